//! French (Discord locale `fr`), addressing people with "vous".

use super::Text::{self, *};

/// Every key's French template; `ui::text`'s tests check that none is missing or doubled.
pub(super) const TABLE: &[(Text, &str)] = &[
    (Warning, "⚠️ {note}"),
    (ReasonLine, "Raison : {reason}"),
    (TranscriptLine, "Transcription : {link}"),
    (HubPrompt, "**Centre des tickets** : choisissez une action."),
    (HubPlaceholder, "Configurer ou gérer"),
    (HubSetup, "Configurer"),
    (HubManage, "Gérer"),
    (
        SetupPrompt,
        "**Configuration** : que voulez-vous configurer ?",
    ),
    (SetupPlaceholder, "Choisir un réglage"),
    (SetupPanel, "Publier un message de panneau"),
    (SetupPanelRemove, "Retirer un panneau"),
    (SetupLogChannel, "Salon de journal"),
    (SetupLimits, "Limites de tickets"),
    (SetupStaffRoles, "Rôles de l'équipe"),
    (SetupTopicAdd, "Ajouter un sujet"),
    (SetupTopicList, "Lister les sujets"),
    (SetupTopicRemove, "Retirer un sujet"),
    (SetupLanguage, "Langue des messages des salons"),
    (ManagePrompt, "**Gestion** : que voulez-vous faire ?"),
    (ManagePlaceholder, "Choisir une action"),
    (ManageCloseThis, "Fermer ce ticket"),
    (ManageCloseAll, "Fermer tous les tickets ouverts"),
    (ManageAddUser, "Ajouter des personnes à ce ticket"),
    (ManageRemoveUser, "Retirer des personnes de ce ticket"),
    (PagePrevious, "Précédent"),
    (PageNext, "Suivant"),
    (CancelButton, "Annuler"),
    (Cancelled, "Annulé. Rien n'a été modifié."),
    (UnknownChoice, "Choix inconnu. Rien n'a été modifié."),
    (NotInTicket, "Utilisez ceci dans un salon de ticket."),
    (
        NotAvailableHere,
        "Cette action n'est pas disponible ici. Rien n'a été modifié.",
    ),
    (ChooseAChannel, "Choisissez un salon."),
    (
        SettingNotSaved,
        "Le réglage n'a pas pu être enregistré ; veuillez réessayer.",
    ),
    (
        PanelChannelPrompt,
        "Choisissez le salon du message de panneau.",
    ),
    (PanelChannelPlaceholder, "Salon du panneau"),
    (PanelModalTitle, "Message de panneau"),
    (PanelTitleLabel, "Titre"),
    (PanelDescriptionLabel, "Description"),
    (PanelFooterLabel, "Pied de page"),
    (PanelTextRefused, "{error} Rien n'a été publié."),
    (PanelPosted, "Panneau publié."),
    (
        PanelPostFailed,
        "Je n'ai pas pu publier le panneau à cet endroit : {error}",
    ),
    (OpenTicketButton, "Ouvrir un ticket"),
    (DefaultPanelTitle, "Tickets d'assistance"),
    (
        DefaultPanelDescription,
        "Cliquez sur le bouton ci-dessous pour ouvrir un ticket privé avec notre équipe.",
    ),
    (DefaultPanelFooter, "Ticketeer"),
    (NoPanels, "Il n'y a aucun panneau à retirer."),
    (PanelRemovePrompt, "Choisissez le panneau à retirer."),
    (PanelPlaceholder, "Panneau"),
    (PanelOption, "{title} (dans #{channel})"),
    (PanelGone, "Ce panneau n'existe déjà plus."),
    (PanelRemoved, "Panneau retiré."),
    (
        PanelRemovedNotSaved,
        "Le message du panneau a été supprimé, mais le réglage n'a pas pu être enregistré ; veuillez réessayer.",
    ),
    (
        PanelTitleEmpty,
        "Le titre du panneau ne peut pas être vide.",
    ),
    (
        PanelFieldTooLong,
        "Le champ « {field} » du panneau peut contenir au plus {max} caractères.",
    ),
    (
        PanelTotalTooLong,
        "Le texte du panneau peut contenir au plus {max} caractères au total.",
    ),
    (PanelFieldTitle, "titre"),
    (PanelFieldDescription, "description"),
    (PanelFieldFooter, "pied de page"),
    (PurposePanelChannel, "salon de panneau"),
    (PurposeLogChannel, "salon de journal"),
    (
        CannotCheckPermissions,
        "Je n'ai pas pu vérifier mes permissions dans <#{channel}> : {error}",
    ),
    (
        BotMissingPermission,
        "Je ne peux pas utiliser <#{channel}> comme {purpose} : il me manque la permission **{missing}** dans ce salon. Accordez-la-moi (ou à mon rôle) dans les paramètres de ce salon, ou choisissez un autre salon.",
    ),
    (
        BotMissingPermissions,
        "Je ne peux pas utiliser <#{channel}> comme {purpose} : il me manque les permissions **{missing}** dans ce salon. Accordez-les-moi (ou à mon rôle) dans les paramètres de ce salon, ou choisissez un autre salon.",
    ),
    (
        LanguagePrompt,
        "Choisissez la langue des messages publiés dans les salons du serveur : bienvenue, fermeture, journal et panneaux. Les réponses adressées à chaque membre suivent sa propre langue Discord.",
    ),
    (LanguagePlaceholder, "Langue"),
    (LanguageFollowServer, "La langue du serveur dans Discord"),
    (LanguageSet, "Les messages des salons seront en {language}."),
    (
        LanguageFollowing,
        "Les messages des salons suivront la langue du serveur dans Discord (sa langue principale dans les paramètres Communauté ; l'anglais si Discord n'en indique aucune que le bot parle).",
    ),
    (LogChannelPrompt, "Choisissez le salon de journal."),
    (LogChannelPlaceholder, "Salon de journal"),
    (
        LogChannelSet,
        "Les événements des tickets seront consignés dans <#{channel}>.",
    ),
    (LimitsModalTitle, "Limites de tickets"),
    (
        LimitPerMemberLabel,
        "Limite par membre (actuelle : {limit})",
    ),
    (
        LimitPerGuildLabel,
        "Limite par serveur (actuelle : {limit})",
    ),
    (
        LimitsRefused,
        "{error} Les limites n'ont pas été modifiées.",
    ),
    (
        LimitsSaved,
        "Limites enregistrées : {per_member} ouverts par membre, {per_guild} par serveur.",
    ),
    (
        LimitsNotSaved,
        "Les limites n'ont pas pu être enregistrées ; veuillez réessayer.",
    ),
    (
        LimitNotANumber,
        "Le champ « {field} » doit être un nombre entier entre {min} et {max}.",
    ),
    (
        LimitOutOfRange,
        "Le champ « {field} » doit être compris entre {min} et {max}.",
    ),
    (LimitFieldPerMember, "tickets ouverts par membre"),
    (LimitFieldPerGuild, "tickets ouverts par serveur"),
    (
        StaffRolesPrompt,
        "Choisissez jusqu'à {max} rôles d'équipe (ils voient et traitent tous les tickets).",
    ),
    (StaffRolesPlaceholder, "Rôles de l'équipe"),
    (StaffRolesRefused, "{error} Rien n'a été modifié."),
    (StaffRolesTooMany, "choisissez au plus {max} rôles d'équipe"),
    (
        StaffRolesEveryone,
        "@everyone ne peut pas être un rôle d'équipe : chaque membre verrait tous les tickets",
    ),
    (StaffRolesCleared, "Rôles de l'équipe effacés."),
    (
        StaffRolesSaved,
        "Rôles de l'équipe enregistrés : {roles}. Appliqués aux catégories de tickets et à chaque ticket ouvert.",
    ),
    (
        StaffRolesNotSaved,
        "Les rôles de l'équipe n'ont pas pu être enregistrés ; veuillez réessayer.",
    ),
    (TopicAddModalTitle, "Ajouter un sujet"),
    (TopicNameLabel, "Nom du sujet"),
    (TopicNameRefused, "{error} Aucun sujet n'a été ajouté."),
    (TopicAdded, "Sujet **{topic}** ajouté."),
    (
        TopicNotSaved,
        "Le sujet n'a pas pu être enregistré ; veuillez réessayer.",
    ),
    (TopicGone, "Ce sujet n'existe plus."),
    (
        TopicGonePickAgain,
        "Ce sujet n'existe plus. Cliquez à nouveau sur « Ouvrir un ticket » pour voir les sujets actuels.",
    ),
    (
        NoTopics,
        "Aucun sujet pour l'instant. Ajoutez-en un depuis Configurer.",
    ),
    (TopicListHeading, "**Sujets** (page {page} sur {pages}) :"),
    (TopicListItem, "- {topic}"),
    (NoTopicsToRemove, "Il n'y a aucun sujet à retirer."),
    (TopicRemovePrompt, "Choisissez le sujet à retirer."),
    (TopicRemovePlaceholder, "Sujet à retirer"),
    (
        TopicRemoveConfirm,
        "Retirer le sujet **{topic}** ? Ses tickets ouverts seront d'abord déplacés dans la catégorie par défaut.",
    ),
    (RemoveButton, "Retirer"),
    (
        TopicRemoved,
        "Sujet **{topic}** retiré ; ses tickets ouverts ont été déplacés dans la catégorie par défaut.",
    ),
    (TopicRemovedAudit, "Sujet de ticket retiré"),
    (TopicPickerPrompt, "Quel est l'objet de votre ticket ?"),
    (TopicPickerPlaceholder, "Choisir un sujet"),
    (TopicEmpty, "Le nom du sujet ne peut pas être vide."),
    (
        TopicTooLong,
        "Le nom du sujet peut contenir au plus {max} caractères.",
    ),
    (
        TopicControlChars,
        "Le nom du sujet ne peut pas contenir de retours à la ligne ni de caractères de contrôle.",
    ),
    (TopicDuplicate, "Un sujet portant ce nom existe déjà."),
    (
        TopicTooMany,
        "Ce serveur a déjà {max} sujets, le maximum autorisé. Retirez-en un d'abord.",
    ),
    (
        CloseAllConfirm,
        "Fermer les {open} tickets ouverts ? Ceux déjà fermés restent tels quels.",
    ),
    (CloseAllButton, "Tout fermer"),
    (
        CloseAllProgress,
        "Fermeture des tickets ouverts… {done} sur {total} terminés.",
    ),
    (
        CloseAllDone,
        "{closed} ticket(s) fermé(s) sur {total} ouvert(s).",
    ),
    (
        AddUsersPrompt,
        "Choisissez jusqu'à {max} membres à ajouter.",
    ),
    (
        RemoveUsersPrompt,
        "Choisissez jusqu'à {max} membres à retirer.",
    ),
    (MembersPlaceholder, "Membres"),
    (
        NotAdmin,
        "Il vous faut la permission Gérer le serveur pour configurer les tickets.",
    ),
    (NotStaff, "Seule l'équipe peut gérer les tickets."),
    (
        CloseNotAllowed,
        "Seuls le membre qui a ouvert ce ticket et l'équipe peuvent le fermer.",
    ),
    (ReopenNotAllowed, "Seule l'équipe peut rouvrir un ticket."),
    (DeleteNotAllowed, "Seule l'équipe peut supprimer un ticket."),
    (
        AddUserNotAllowed,
        "Seule l'équipe peut ajouter des personnes à un ticket.",
    ),
    (
        RemoveUserNotAllowed,
        "Seule l'équipe peut retirer des personnes d'un ticket.",
    ),
    (
        ReadTranscriptNotAllowed,
        "Seule l'équipe peut lire les transcriptions des tickets.",
    ),
    (MenuOfSomeoneElse, "Ce menu appartient à quelqu'un d'autre."),
    (
        StillOpening,
        "Le ticket #{number} est encore en cours d'ouverture ; réessayez dans un instant.",
    ),
    (NeverOpened, "Le ticket #{number} n'a jamais été ouvert."),
    (WasDeleted, "Le ticket #{number} a été supprimé."),
    (AlreadyOpen, "Le ticket #{number} est déjà ouvert."),
    (
        OpenAgain,
        "Le ticket #{number} est de nouveau ouvert ; fermez-le d'abord.",
    ),
    (AlreadyClosed, "Le ticket #{number} est déjà fermé."),
    (
        ClosedNoPeopleChange,
        "Le ticket #{number} est fermé ; rouvrez-le avant d'ajouter ou de retirer des personnes.",
    ),
    (TicketIs, "Le ticket #{number} est {state}."),
    (StateProvisioning, "encore en cours d'ouverture"),
    (StateOpen, "ouvert"),
    (StateClosed, "fermé"),
    (StateDeleted, "supprimé"),
    (StateFailed, "en échec"),
    (
        AlreadyBeingOpened,
        "Votre ticket est déjà en cours d'ouverture.",
    ),
    (
        MemberLimitOne,
        "Vous avez déjà un ticket ouvert. Utilisez-le, ou fermez-le avant d'en ouvrir un nouveau.",
    ),
    (
        MemberLimit,
        "Vous avez déjà {limit} tickets ouverts, le maximum autorisé ici. Fermez-en un avant d'en ouvrir un nouveau.",
    ),
    (
        GuildLimit,
        "Ce serveur a déjà {limit} tickets ouverts, le maximum autorisé. Réessayez quand l'équipe en aura fermé quelques-uns.",
    ),
    (
        PlaceInLine,
        "Beaucoup de membres ouvrent des tickets en ce moment. Votre ticket #{number} est en position {place} dans la file ({wait}). Ce message se met à jour à mesure que la file avance ; vous recevrez aussi un MP quand votre salon sera prêt.",
    ),
    (WaitSeconds, "environ {seconds} s"),
    (WaitMinutes, "environ {minutes} min"),
    (
        LeftTheServer,
        "Vous avez quitté le serveur, votre place dans la file a donc été libérée.",
    ),
    (
        CategoryNotCreated,
        "Je n'ai pas pu créer la catégorie des tickets : {error}",
    ),
    (DefaultCategoryName, "Tickets"),
    (OverflowCategoryName, "Tickets {n}"),
    (
        StorageFailed,
        "Votre ticket n'a pas pu être ouvert à cause d'une erreur d'enregistrement. Veuillez réessayer.",
    ),
    (TicketOpenLink, "Votre ticket #{number} est ouvert : {link}"),
    (
        CreateUnconfirmed,
        "Discord ne répond pas à temps, le ticket #{number} n'a donc pas pu être confirmé. Il sera finalisé quand Discord sera rétabli ; merci de ne pas en ouvrir un autre.",
    ),
    (
        CreateFailed,
        "Votre ticket n'a pas pu être ouvert : {error}",
    ),
    (
        TicketGone,
        "Le ticket #{number} n'existe pas ici ou a déjà été supprimé.",
    ),
    (TicketNotHere, "Ce ticket n'existe pas ici."),
    (WelcomeTitle, "Ticket #{number}"),
    (
        Welcome,
        "Bonjour <@{opener}> ! L'équipe va s'occuper de vous sous peu. Décrivez votre demande ici.",
    ),
    (TopicLine, "Sujet : **{topic}**"),
    (CloseButton, "Fermer"),
    (CloseWithReasonButton, "Fermer avec une raison"),
    (DeleteButton, "Supprimer"),
    (ReopenButton, "Rouvrir"),
    (CloseReasonModalTitle, "Fermer le ticket #{number}"),
    (CloseReasonLabel, "Raison (facultatif)"),
    (NoChannel, "Ce ticket n'a pas de salon."),
    (NotClosed, "Le ticket n'a pas été fermé : {error}"),
    (ClosedAnswer, "Ticket #{number} fermé."),
    (ClosedTitle, "Ticket #{number} fermé"),
    (ClosedBy, "Fermé par <@{by}>."),
    (
        ClosedDm,
        "Votre ticket #{number} a été fermé. La transcription est jointe.",
    ),
    (
        ClosedDmWithLink,
        "Votre ticket #{number} a été fermé. Transcription : {link} (également jointe).",
    ),
    (
        DmRefused,
        "Discord a refusé le message privé (la personne a quitté le serveur ou n'accepte pas les MP du bot)",
    ),
    (
        HistoryUnreadable,
        "Les messages du salon n'ont pas pu être lus : {error}",
    ),
    (
        NoHistoryPermission,
        "Discord n'a renvoyé aucun message : le bot n'a pas la permission Voir les anciens messages dans ce salon. Accordez-la-lui (sur son rôle ou sur la catégorie des tickets) pour que les transcriptions soient complètes.",
    ),
    (
        NoHistory,
        "Discord n'a renvoyé aucun message pour ce salon.",
    ),
    (CouldNotReopen, "Impossible de rouvrir : {error}"),
    (ReopenedTitle, "Ticket #{number} rouvert"),
    (ReopenedBy, "Rouvert par <@{by}>."),
    (ReopenedAnswer, "Ticket #{number} rouvert."),
    (DeletedAudit, "Ticket #{number} supprimé"),
    (CouldNotDelete, "Impossible de supprimer : {error}"),
    (DeletedAnswer, "Ticket #{number} supprimé."),
    (BotsSkipped, " Bots ignorés : {bots}."),
    (NothingToChange, "Rien à modifier.{skipped}"),
    (
        CouldNotChangeAccess,
        "Impossible de modifier l'accès : {error}",
    ),
    (UsersAdded, "{users} ajouté(s).{skipped}"),
    (UsersRemoved, "{users} retiré(s).{skipped}"),
    (MemberLeftTitle, "Membre parti"),
    (MemberLeftBody, "<@{user}> a quitté le serveur."),
    (LogOpenedTitle, "Ticket ouvert"),
    (
        LogOpened,
        "Ticket #{number} ouvert par <@{opener}> dans <#{channel}>",
    ),
    (LogClosedTitle, "Ticket fermé"),
    (
        LogClosed,
        "Ticket #{number} de <@{opener}> fermé par <@{by}>",
    ),
    (
        LogNotDelivered,
        "La transcription n'a pas pu être envoyée à la personne qui a ouvert le ticket : {why}.",
    ),
    (LogReopenedTitle, "Ticket rouvert"),
    (LogReopened, "Ticket #{number} rouvert par <@{by}>"),
    (LogDeletedTitle, "Ticket supprimé"),
    (LogDeleted, "Ticket #{number} supprimé par <@{by}>"),
    (LogUserAddedTitle, "Personne ajoutée"),
    (LogUserRemovedTitle, "Personne retirée"),
    (
        LogUsersAdded,
        "{users} ajouté(s) au ticket #{number} par <@{by}>",
    ),
    (
        LogUsersRemoved,
        "{users} retiré(s) du ticket #{number} par <@{by}>",
    ),
    (LogChannelDeletedTitle, "Salon de ticket supprimé"),
    (
        LogChannelDeleted,
        "Le salon du ticket #{number} a été supprimé en dehors du bot ; le ticket est fermé.",
    ),
    (
        LogCannotPost,
        "Je ne peux plus publier dans le salon de journal <#{channel}> : il me manque des permissions (Voir le salon, Envoyer des messages, Intégrer des liens, Joindre des fichiers, Voir les anciens messages). Les événements des tickets ne sont plus consignés.",
    ),
    (
        LogChannelGone,
        "Le salon de journal <#{channel}> n'existe plus. Choisissez-en un autre dans Configurer.",
    ),
    (
        TranscriptNumberMissing,
        "Indiquez le numéro du ticket, par ex. `/ticket transcript number:12`.",
    ),
    (TranscriptOf, "Transcription du ticket #{number} :"),
    (
        TranscriptOfAtLink,
        "Transcription du ticket #{number} : {link}",
    ),
    (StatsLink, "Statistiques des tickets : {link}"),
    (
        ClosedDmLinkOnly,
        "Votre ticket #{number} a été fermé. Transcription : {link}",
    ),
    (TranscriptPageLine, "Page de la transcription : {link}"),
    (
        TranscriptSentAsLinkOnly,
        "La transcription dépasse la limite d'envoi de Discord : elle est envoyée uniquement sous forme de lien.",
    ),
    (
        NoTranscript,
        "Le ticket #{number} n'a pas de transcription (il n'a jamais été fermé, ou n'existe pas).",
    ),
    (
        TranscriptUnreadable,
        "La transcription n'a pas pu être lue depuis le stockage.",
    ),
    (
        TranscriptHtmlLeftOut,
        "La transcription dépasse la limite d'envoi de Discord ({mib} Mio) ; seul le fichier texte est joint.",
    ),
    (
        TranscriptTextCut,
        "La transcription dépasse la limite d'envoi de Discord ({mib} Mio) ; le fichier texte joint est tronqué.",
    ),
    (UnknownCommand, "Je ne connais pas cette commande."),
    (
        UnknownComponent,
        "Je ne connais pas ce bouton ou ce menu (il provient peut-être d'une ancienne version). Rien n'a été modifié.",
    ),
    (
        NotUnderstood,
        "Je n'ai pas pu comprendre cette interaction. Rien n'a été modifié.",
    ),
    (
        NotInGuild,
        "Les tickets vivent sur les serveurs : utilisez le bouton « Ouvrir un ticket » dans un salon d'un serveur.",
    ),
    (
        Restarting,
        "Ticketeer redémarre ; veuillez réessayer dans quelques secondes.",
    ),
    (
        Apology,
        "Un problème est survenu de notre côté pendant le traitement. Veuillez vérifier et réessayer.",
    ),
    (
        DiscordMissingPermissions,
        "Je n'ai pas les permissions nécessaires ici. Mon rôle a besoin de Gérer les salons, Gérer les rôles, Voir le salon, Envoyer des messages, Intégrer des liens, Joindre des fichiers et Voir les anciens messages sur tout le serveur : Discord ne me laisse donner à un ticket que ce que mon rôle possède, les accorder sur une seule catégorie ne suffit donc pas. Demandez à un administrateur du serveur de corriger mon rôle.",
    ),
    (
        DiscordMaxChannels,
        "Ce serveur a atteint la limite de Discord de {max} salons, aucun salon de ticket ne peut donc être créé.",
    ),
    (DiscordUnknownChannel, "Ce salon n'existe plus."),
    (
        DiscordRefused,
        "Discord n'a pas accepté la requête ; veuillez réessayer dans un instant.",
    ),
    (
        MessageContentOff,
        "Les transcriptions ne contiendront pas le texte des messages : Discord le retient tant que l'intent Message Content du bot est désactivé. Activez « Message Content Intent » dans le {portal}.",
    ),
    (
        ServerMembersOff,
        "Le bot n'est pas prévenu quand des membres partent (l'intent Server Members est désactivé) : un membre qui part garde sa place dans la file d'attente et aucune note « membre parti » n'est publiée dans son ticket. Activez « Server Members Intent » dans le {portal}, puis redémarrez le bot.",
    ),
    (
        PortalPath,
        "Discord Developer Portal → votre application → Bot → Privileged Gateway Intents",
    ),
    // Inactivity.
    (
        SetupInactivity,
        "Avertissement d'inactivité et fermeture automatique",
    ),
    (InactivityModalTitle, "Inactivité : avertir et fermer"),
    (WarnAfterLabel, "Heures de silence avant l'alerte (0 = off)"),
    (CloseAfterLabel, "Heures après l'alerte avant la fermeture"),
    (StalePingLabel, "Mention : auto, opener, staff ou none"),
    (
        InactivitySaved,
        "Inactivité enregistrée : un avertissement après {warn} heures sans message humain, la fermeture {close} heures plus tard ; l'avertissement mentionne {ping}.",
    ),
    (
        InactivityOffSaved,
        "L'avertissement d'inactivité et la fermeture automatique sont désactivés.",
    ),
    (
        InactivityRefused,
        "{error} Les réglages d'inactivité n'ont pas été modifiés.",
    ),
    (
        InactivityNotSaved,
        "Les réglages d'inactivité n'ont pas pu être enregistrés ; veuillez réessayer.",
    ),
    (
        PingUnknown,
        "La mention doit être auto, opener, staff ou none.",
    ),
    (
        YesOrNo,
        "« Fermer quand l'auteur quitte le serveur » doit valoir yes ou no.",
    ),
    (OpenerLeavesLabel, "Fermer si l'auteur part : yes ou no"),
    (OpenerLeftReason, "l'auteur du ticket a quitté le serveur"),
    (
        OpenerLeavesSaved,
        "Les tickets sont fermés quand leur auteur quitte le serveur.",
    ),
    (
        PingAuto,
        "celui qui doit une réponse (l'auteur après l'équipe, l'équipe sinon)",
    ),
    (PingOpener, "l'auteur du ticket"),
    (PingStaff, "les rôles de l'équipe"),
    (PingNobody, "personne"),
    (LimitFieldWarnAfter, "heures avant l'avertissement"),
    (LimitFieldCloseAfter, "heures avant la fermeture"),
    (StaleWarningTitle, "Le ticket #{number} est silencieux"),
    (
        StaleWarning,
        "Personne n'a écrit ici depuis {warn} heures. Le ticket sera fermé pour inactivité dans {close} heures, à moins que quelqu'un n'écrive ou n'appuie sur « Garder ouvert ».",
    ),
    (KeepOpenButton, "Garder ouvert"),
    (KeptOpen, "Le ticket #{number} reste ouvert."),
    (
        NotWarned,
        "Le ticket #{number} n'a pas d'avertissement d'inactivité auquel répondre.",
    ),
    (InactiveReason, "inactif"),
    (
        AutocloseOff,
        "Le ticket #{number} ne sera plus averti ni fermé pour inactivité.",
    ),
    (
        AutocloseOn,
        "Le ticket #{number} est de nouveau averti et fermé pour inactivité.",
    ),
    (AutocloseNotOpen, "Le ticket #{number} n'est pas ouvert."),
    // The staff workflow.
    (ClaimButton, "Prendre en charge"),
    (
        ClosedNoClaim,
        "Le ticket #{number} est fermé ; rouvrez-le avant de changer sa prise en charge.",
    ),
    (UnclaimButton, "Libérer"),
    (ClaimedLine, "Pris en charge par <@{claimer}>"),
    (
        ClaimedAnswer,
        "Vous avez pris en charge le ticket #{number}.",
    ),
    (
        AlreadyClaimedByYou,
        "Vous avez déjà pris en charge le ticket #{number}.",
    ),
    (
        ClaimedBySomeoneElse,
        "Le ticket #{number} est pris en charge par <@{claimer}>. Cette personne ou un admin peut vous le transférer.",
    ),
    (
        UnclaimedAnswer,
        "Le ticket #{number} n'est plus pris en charge.",
    ),
    (NotClaimed, "Le ticket #{number} n'est pas pris en charge."),
    (
        TransferredAnswer,
        "Le ticket #{number} est maintenant pris en charge par <@{claimer}>.",
    ),
    (
        TransferPrompt,
        "Choisissez le membre de l'équipe à qui confier le ticket #{number}.",
    ),
    (StaffPlaceholder, "Membre de l'équipe"),
    (
        ClaimNotAllowed,
        "Seule l'équipe peut prendre en charge un ticket.",
    ),
    (
        ClaimOwnTicket,
        "Vous avez ouvert ce ticket : un autre membre de l'équipe doit le prendre en charge.",
    ),
    (
        UnclaimNotAllowed,
        "Seul celui qui a pris en charge le ticket ou un admin peut le libérer.",
    ),
    (
        TransferNotAllowed,
        "Seul celui qui a pris en charge le ticket ou un admin peut le transférer.",
    ),
    (
        TransferToNonStaff,
        "<@{user}> ne fait pas partie de l'équipe ; un ticket ne peut être confié qu'à l'équipe.",
    ),
    (
        TransferToOpener,
        "<@{user}> a ouvert ce ticket et ne peut pas le prendre en charge.",
    ),
    (TransferPickOne, "Choisissez un seul membre de l'équipe."),
    (
        CouldNotClaim,
        "La prise en charge n'a pas été modifiée : {error}",
    ),
    (LogClaimedTitle, "Ticket pris en charge"),
    (LogClaimed, "Ticket #{number} pris en charge par <@{by}>"),
    (LogUnclaimedTitle, "Ticket libéré"),
    (LogUnclaimed, "Ticket #{number} libéré par <@{by}>"),
    (LogTransferredTitle, "Ticket transféré"),
    (
        LogTransferred,
        "Ticket #{number} confié à <@{claimer}> par <@{by}>",
    ),
    (
        RequestCloseNotAllowed,
        "Seul le membre qui a ouvert ce ticket ou l'équipe peut demander sa fermeture ou répondre à une demande.",
    ),
    (CloseRequestTitle, "Fermeture demandée"),
    (
        CloseRequestByStaff,
        "<@{by}> (équipe) demande à fermer le ticket #{number}. Appuyez sur Fermer si vous avez terminé, ou Garder ouvert pour continuer.",
    ),
    (
        CloseRequestByOpener,
        "<@{by}> demande à l'équipe de fermer le ticket #{number}. Équipe : appuyez sur Fermer pour le fermer, ou Garder ouvert.",
    ),
    (CloseRequestButton, "Fermer"),
    (
        CloseRequestPosted,
        "Demande de fermeture publiée dans le ticket #{number}.",
    ),
    (
        CloseRequestPending,
        "Le ticket #{number} a déjà une demande de fermeture en attente de réponse.",
    ),
    (
        NoCloseRequest,
        "Le ticket #{number} n'a aucune demande de fermeture en attente.",
    ),
    (KeptOpenAnswer, "Le ticket #{number} reste ouvert."),
    (KeptOpenLine, "Gardé ouvert par <@{by}>."),
    (
        CouldNotRequestClose,
        "La demande de fermeture n'a pas été publiée : {error}",
    ),
    (LogCloseRequestedTitle, "Fermeture demandée"),
    (
        LogCloseRequested,
        "Fermeture du ticket #{number} demandée par <@{by}>",
    ),
    (LogKeptOpenTitle, "Ticket gardé ouvert"),
    (LogKeptOpen, "Ticket #{number} gardé ouvert par <@{by}>"),
    (
        CloseRequestDelayLine,
        "Se ferme tout seul <t:{at}:R> si personne ne répond.",
    ),
    (
        CloseRequestWithdrawn,
        "<@{by}> a répondu, la demande de fermeture est retirée.",
    ),
    (
        CloseRequestNoReplyReason,
        "pas de réponse à la demande de fermeture",
    ),
    (
        RequestDelayBad,
        "Le délai doit être compris entre 1 et {max} heures.",
    ),
    (
        ClaimModeGuarded,
        "protégé (l'équipe lit, seul le responsable écrit)",
    ),
    (
        ClaimModeLabel,
        "étiquette seulement (tout le monde continue d'écrire)",
    ),
    (
        ClaimModePrivate,
        "privé (seul le responsable voit le ticket dans l'équipe)",
    ),
    (
        ClaimModeSaved,
        "La prise en charge d'un ticket est maintenant en mode {mode} sur ce serveur.",
    ),
    (
        ClaimModeSavedTopic,
        "La prise en charge d'un ticket du sujet **{topic}** est maintenant en mode {mode}.",
    ),
    (
        ClaimModeUnknown,
        "Choisissez l'un des modes de prise en charge proposés.",
    ),
    (
        ClaimModeNoSuchTopic,
        "Aucun sujet ne porte ce nom. Les sujets sont listés dans la configuration.",
    ),
    (
        ClaimModeNotSaved,
        "Le mode de prise en charge n'a pas pu être enregistré. Veuillez réessayer.",
    ),
    (PriorityLow, "basse"),
    (PriorityNormal, "normale"),
    (PriorityHigh, "haute"),
    (PriorityUrgent, "urgente"),
    (PriorityLine, "Priorité : **{priority}**"),
    (
        PrioritySet,
        "Le ticket #{number} a maintenant la priorité {priority}.",
    ),
    (PriorityUnknown, "Choisissez l'une des priorités proposées."),
    (
        PriorityNotAllowed,
        "Seule l'équipe peut définir la priorité d'un ticket.",
    ),
    (LogPriorityTitle, "Priorité modifiée"),
    (
        LogPriority,
        "Ticket #{number} passé en priorité {priority} par <@{by}>",
    ),
    (RenameNotAllowed, "Seule l'équipe peut renommer un ticket."),
    (
        RenameBadName,
        "Ce nom ne contient rien de ce que Discord autorise dans un nom de salon (lettres, chiffres, - et _).",
    ),
    (RenamedAnswer, "Ticket #{number} renommé en **{name}**."),
    (
        RenameQueued,
        "Discord autorise deux renommages par salon toutes les 10 minutes : le ticket #{number} deviendra **{name}** <t:{at}:R>.",
    ),
    (CouldNotRename, "Impossible de renommer : {error}"),
    (LogRenamedTitle, "Ticket renommé"),
    (LogRenamed, "Ticket #{number} renommé en {name} par <@{by}>"),
    (
        MoveNotAllowed,
        "Seule l'équipe peut déplacer un ticket vers un autre sujet.",
    ),
    (
        MoveNoSuchTopic,
        "Aucun sujet ne porte ce nom. Choisissez l'un des sujets proposés.",
    ),
    (
        MoveSameTopic,
        "Le ticket #{number} est déjà dans **{topic}**.",
    ),
    (MovedAnswer, "Ticket #{number} déplacé vers **{topic}**."),
    (CouldNotMove, "Le ticket n'a pas été déplacé : {error}"),
    (LogMovedTitle, "Ticket déplacé"),
    (
        LogMoved,
        "Ticket #{number} déplacé vers {topic} par <@{by}>",
    ),
    (EventClaimed, "a pris en charge le ticket"),
    (EventUnclaimed, "a rendu la prise en charge"),
    (EventTransferred, "a confié le ticket à {name}"),
    (EventMoved, "a déplacé le ticket vers {topic}"),
    (EventPriority, "a fixé la priorité à {priority}"),
    (EventRenamed, "a renommé le salon en {name}"),
    (EventCloseRequested, "a demandé la fermeture du ticket"),
    (
        EventCloseRequestedReason,
        "a demandé la fermeture du ticket : {request_reason}",
    ),
    (EventKeptOpen, "a gardé le ticket ouvert"),
    (
        NotesNotAllowed,
        "Seule l'équipe peut lire et écrire les notes internes d'un ticket.",
    ),
    (NotesThreadName, "notes-equipe"),
    (
        NotesReady,
        "Notes internes du ticket #{number} : <#{thread}>. Seuls les membres de l'équipe ajoutés les voient (/tickets notes vous ajoute) ; la transcription de l'auteur les omet.",
    ),
    (
        NotesNotCreated,
        "Les notes internes n'ont pas pu être créées : {error}",
    ),
    (
        NotesNotJoined,
        "Impossible de vous ajouter aux notes internes : {error}",
    ),
    (
        NotesUnreadable,
        "Les notes internes n'ont pas pu être lues : {error}",
    ),
    (
        StaffNotesHeading,
        "Notes internes (absentes de la copie de l'auteur)",
    ),
    (
        RatePrompt,
        "Comment nous sommes-nous débrouillés ? Notez le ticket #{number} :",
    ),
    (
        RateNotOpener,
        "Seul le membre qui a ouvert le ticket #{number} peut le noter.",
    ),
    (
        RateNotClosed,
        "Le ticket #{number} est rouvert ; notez-le une fois fermé.",
    ),
    (
        RateFirst,
        "Notez d'abord le ticket #{number} avec les étoiles, puis ajoutez un commentaire.",
    ),
    (
        RateThanks,
        "Merci ! Vous avez noté le ticket #{number} {stars} sur 5. Vous pouvez changer la note ou ajouter un commentaire.",
    ),
    (RateCommentButton, "Ajouter un commentaire"),
    (RateCommentTitle, "Votre avis, ticket #{number}"),
    (RateCommentLabel, "Que doit savoir l'équipe ?"),
    (
        RateCommentThanks,
        "Merci ! Votre commentaire sur le ticket #{number} est transmis à l'équipe.",
    ),
    (
        RateNotSaved,
        "Votre note n'a pas pu être enregistrée. Veuillez réessayer.",
    ),
    (LogFeedbackTitle, "Avis"),
    (LogFeedback, "Ticket #{number} noté {stars}/5 par <@{by}>"),
    (LogFeedbackComment, "Commentaire : {comment}"),
    (
        StaffFigures,
        "<@{user}> a répondu en premier à {answered} tickets (première réponse médiane : {response}), en a pris {claims} en charge, et ses tickets sont notés {rating}.",
    ),
    (StaffFiguresNone, "aucune pour l'instant"),
    (
        FormTopicLabel,
        "Seulement ce sujet (vide : tout le serveur)",
    ),
    (ForTopic, "Sujet **{topic}** :"),
    (
        SetupFeedback,
        "Avis : étoiles dans le MP de fermeture (oui/non)",
    ),
    (
        FeedbackOffSaved,
        "Les avis sont désactivés : le MP de fermeture ne demande plus de note.",
    ),
    (
        FeedbackOnSaved,
        "Les avis sont activés : le MP de fermeture demande de 1 à 5 étoiles.",
    ),
    (
        FeedbackNotSaved,
        "Le réglage des avis n'a pas pu être enregistré. Veuillez réessayer.",
    ),
    (SetupHours, "Heures de support"),
    (HoursModalTitle, "Heures de support"),
    (HoursZoneLabel, "Fuseau (IANA, p. ex. Europe/Paris)"),
    (HoursWindowsLabel, "Heures, p. ex. mon-fri 09:00-17:00"),
    (HoursOutsideLabel, "En dehors : refuse ou notice"),
    (
        HoursSaved,
        "Heures de support enregistrées : {windows} ({zone}). En dehors, un nouveau ticket est {outside}. L'équipe peut toujours ouvrir des tickets.",
    ),
    (
        HoursOffSaved,
        "Les heures de support sont désactivées : les tickets s'ouvrent à tout moment.",
    ),
    (
        HoursOutsideRefuse,
        "refusé, avec la prochaine heure d'ouverture",
    ),
    (
        HoursOutsideNotice,
        "ouvert, avec un avis indiquant que les réponses peuvent tarder",
    ),
    (
        HoursRefused,
        "Les heures de support n'ont pas été modifiées : {error}",
    ),
    (
        HoursNotSaved,
        "Les heures de support n'ont pas pu être enregistrées. Veuillez réessayer.",
    ),
    (
        HoursBadDay,
        "{value} n'est pas un jour (mon, tue, wed, thu, fri, sat, sun)",
    ),
    (
        HoursBadTime,
        "{value} n'est pas une plage horaire comme 09:00-17:00",
    ),
    (HoursEmpty, "aucune heure n'a été indiquée"),
    (
        HoursBadZone,
        "{value} n'est pas un fuseau IANA comme Europe/Paris",
    ),
    (
        HoursBadOutside,
        "en dehors vaut refuse ou notice, pas {value}",
    ),
    (
        OutsideHoursRefused,
        "Le support est fermé pour le moment. Il rouvre <t:{at}:F> (<t:{at}:R>) ; ouvrez votre ticket à ce moment-là.",
    ),
    (
        OutsideHoursClosed,
        "Le support est fermé pour le moment ; veuillez réessayer plus tard.",
    ),
    (
        OutsideHoursNotice,
        "Le support est fermé pour le moment, les réponses peuvent tarder ; il rouvre <t:{at}:F>.",
    ),
    (ListEmpty, "Aucun ticket ouvert ne correspond."),
    (
        ListHeader,
        "Tickets ouverts {from}–{to} sur {total} (page {page} sur {pages}) :",
    ),
    (ListEntry, "#{number} {link} · <@{opener}> · {priority}"),
    (ListClaimedBy, " · pris en charge par <@{claimer}>"),
    (
        ListReadFailed,
        "Les tickets n'ont pas pu être lus depuis le stockage.",
    ),
    // Intake: questions and abuse controls
    (
        IntakeBlocked,
        "Vous ne pouvez pas ouvrir de ticket ici : vous êtes bloqué.",
    ),
    (
        IntakeBlockedUntil,
        "Vous ne pouvez pas ouvrir de ticket ici : vous êtes bloqué jusqu'au <t:{at}:f>.",
    ),
    (
        IntakeRolesAny,
        "Pour ouvrir un ticket sur ce sujet, il vous faut l'un de ces rôles : {roles}.",
    ),
    (
        IntakeRolesAll,
        "Pour ouvrir un ticket sur ce sujet, il vous faut tous ces rôles : {roles}.",
    ),
    (
        IntakeCooldown,
        "Vous venez d'ouvrir un ticket. Vous pourrez en ouvrir un autre <t:{at}:R>.",
    ),
    (
        IntakeDailyCap,
        "Vous avez ouvert {limit} tickets aujourd'hui, le maximum autorisé ici. Vous pourrez en ouvrir un autre <t:{at}:R>.",
    ),
    (IntakeModalTitle, "Avant l'ouverture du ticket"),
    (EditAnswersModalTitle, "Modifier vos réponses"),
    (EditAnswersButton, "Modifier les réponses"),
    (NoAnswer, "(pas de réponse)"),
    (
        AnswersNotUnderstood,
        "Vos réponses n'ont pas pu être lues : le formulaire a peut-être changé. Veuillez rouvrir le ticket.",
    ),
    (AnswerMissing, "Veuillez répondre à « {label} »."),
    (
        AnswerLength,
        "Votre réponse à « {label} » doit compter de {min} à {max} caractères.",
    ),
    (
        AnswersNotYours,
        "Seul le membre qui a ouvert ce ticket peut modifier ses réponses.",
    ),
    (
        AnswersUpdated,
        "Vos réponses sur le ticket #{number} ont été mises à jour.",
    ),
    (
        AnswersTicketNotOpen,
        "Le ticket #{number} n'est pas ouvert : ses réponses ne peuvent plus être modifiées.",
    ),
    (
        QuestionLabelBad,
        "Une question a besoin d'un libellé de 1 à {max} caractères, sur une ligne.",
    ),
    (
        QuestionPlaceholderBad,
        "Un texte indicatif compte au plus {max} caractères, sur une ligne.",
    ),
    (
        QuestionLengthsBad,
        "Les longueurs sont des nombres entiers : le maximum de 1 à {max}, le minimum pas au-dessus.",
    ),
    (
        QuestionTooMany,
        "Un formulaire compte au plus {max} questions (limite de Discord).",
    ),
    (SetupQuestions, "Questions avant le ticket"),
    (SetupControls, "Délai et plafond quotidien"),
    (SetupBlocklist, "Liste de blocage"),
    (
        QuestionScopePrompt,
        "Les **questions avant le ticket** sont posées dans un formulaire avant l'ouverture, au plus {max} par sujet. Choisissez où elles sont posées.",
    ),
    (QuestionScopePlaceholder, "Où les questions sont posées"),
    (QuestionScopeNoTopic, "Le bouton Ouvrir (sans sujet)"),
    (
        QuestionsHeader,
        "**Questions pour {topic}** ({n} sur {max}) :",
    ),
    (
        QuestionsNone,
        "Pas encore de questions : le ticket s'ouvre aussitôt.",
    ),
    (
        QuestionLineShort,
        "{n}. **{label}** · réponse courte, {min} à {max} caractères",
    ),
    (
        QuestionLineLong,
        "{n}. **{label}** · réponse longue, {min} à {max} caractères",
    ),
    (QuestionRequiredMark, " · obligatoire"),
    (QuestionSubjectMark, " · objet (sujet du salon)"),
    (
        QuestionMenuPlaceholder,
        "Modifier, déplacer, retirer ou marquer une question",
    ),
    (QuestionOptEdit, "Modifier la question {n}"),
    (QuestionOptUp, "Monter la question {n}"),
    (QuestionOptRemove, "Retirer la question {n}"),
    (
        QuestionOptSubject,
        "Question {n} comme objet (sujet du salon), ou non",
    ),
    (QuestionAddButton, "Ajouter une question"),
    (QuestionPreviewButton, "Aperçu du formulaire"),
    (QuestionModalTitle, "Question {n}"),
    (QuestionLabelLabel, "Question (au plus {max} caractères)"),
    (QuestionPlaceholderLabel, "Texte indicatif (facultatif)"),
    (
        QuestionLengthsLabel,
        "Longueur min-max, ex. 10-500 (facultatif)",
    ),
    (QuestionLongLabel, "Réponse longue ? yes ou no"),
    (QuestionRequiredLabel, "Obligatoire ? yes ou no"),
    (QuestionsSaved, "Enregistré : {n} questions pour {topic}."),
    (
        QuestionGone,
        "Cette question n'existe plus ; rouvrez la liste.",
    ),
    (QuestionRefused, "Question non enregistrée : {error}"),
    (PreviewDone, "C'était un aperçu : rien n'a été ouvert."),
    (RolesPlaceholder, "Rôles requis pour ce sujet"),
    (RolesAnyOfButton, "L'un de ces rôles"),
    (RolesAllOfButton, "Tous ces rôles"),
    (RolesNone, "Tout le monde peut ouvrir ce sujet."),
    (RolesLineAny, "Requis pour ouvrir : l'un de {roles}."),
    (RolesLineAll, "Requis pour ouvrir : tous parmi {roles}."),
    (RolesSaved, "Rôles requis pour {topic} enregistrés."),
    (ControlsModalTitle, "Délai et plafond quotidien"),
    (CooldownLabel, "Minutes entre tickets (0 = désactivé)"),
    (DailyCapLabel, "Tickets par membre et par jour (0 = libre)"),
    (
        ControlsSaved,
        "Enregistré : {minutes} minutes entre les tickets d'un membre (0 = désactivé), au plus {limit} par jour (0 = libre). L'équipe en est exemptée.",
    ),
    (
        ControlsRefused,
        "Non enregistré : les minutes sont un nombre entier de 0 à {max}, le plafond de 0 à {limit}.",
    ),
    (
        BlocklistHeader,
        "**Liste de blocage** : les membres bloqués, et ceux ayant un rôle bloqué, ne peuvent pas ouvrir de ticket (l'équipe toujours).",
    ),
    (BlocklistEmpty, "Personne n'est bloqué."),
    (BlockUntil, " jusqu'au <t:{at}:f>"),
    (BlockUserPlaceholder, "Bloquer un membre"),
    (BlockRolePlaceholder, "Bloquer un rôle"),
    (UnblockPlaceholder, "Débloquer"),
    (
        ResetOpensPlaceholder,
        "Réinitialiser le délai et le compte du jour d'un membre",
    ),
    (BlockModalTitle, "Bloquer l'ouverture de tickets"),
    (BlockReasonLabel, "Raison, affichée (facultatif)"),
    (BlockDaysLabel, "Jours (vide : jusqu'au déblocage)"),
    (BlockedMember, "<@{user}> ne peut plus ouvrir de ticket."),
    (
        BlockedRole,
        "Les membres ayant {roles} ne peuvent plus ouvrir de ticket.",
    ),
    (
        BlockDaysBad,
        "Non bloqué : les jours sont un nombre entier de 1 à {max}.",
    ),
    (Unblocked, "Débloqué."),
    (
        OpensReset,
        "Délai et compte du jour réinitialisés pour {users}.",
    ),
    (
        IntakeNotSaved,
        "Cela n'a pas pu être enregistré ; veuillez réessayer.",
    ),
    (SetupPanelEdit, "Modifier un panneau publié"),
    (
        PanelEditPrompt,
        "Quel panneau voulez-vous modifier ? Son message est modifié sur place, pas republié.",
    ),
    (PanelEditModalTitle, "Modifier le panneau"),
    (PanelEdited, "Le panneau a été mis à jour sur place."),
    (
        PanelGoneForgotten,
        "Le message ou le salon de ce panneau a été supprimé : le panneau est oublié. Publiez-en un nouveau depuis la configuration.",
    ),
    (
        PanelEditFailed,
        "Le panneau n'a pas pu être modifié : {error}",
    ),
    // Ready channels
    (
        ReadyChannelTopic,
        "Gardé caché par Ticketeer, prêt à devenir aussitôt le prochain ticket. Le supprimer ou le modifier le retire de la réserve.",
    ),
    (
        ReadyChannelDeleteReason,
        "Ticketeer : salon prêt devenu inutile",
    ),
    (
        SetupReadyChannels,
        "Salons prêts (tickets plus rapides en pleine affluence)",
    ),
    (ReadyModalTitle, "Salons prêts"),
    (ReadySizeLabel, "Combien en garder prêts (0 = aucun)"),
    (
        ReadySaved,
        "Salons prêts activés : {n} salons cachés sont créés quand le serveur est calme, et chacun devient aussitôt un ticket.",
    ),
    (
        ReadyOffSaved,
        "Les salons prêts sont désactivés ; les salons cachés sont en cours de suppression.",
    ),
    (
        ReadyRefused,
        "Saisis un nombre de 0 à {max}. Les salons prêts n'ont pas été modifiés.",
    ),
    (
        ReadyNotSaved,
        "Les salons prêts n'ont pas pu être enregistrés ; réessaie.",
    ),
    (ReadyCategoryName, "Salons prêts"),
    (StatsHead, "**Statistiques des tickets : {period}**"),
    (StatsDay, "les dernières 24 heures"),
    (StatsWeek, "les 7 derniers jours"),
    (StatsMonth, "les 30 derniers jours"),
    (StatsAll, "depuis toujours"),
    (
        StatsCounts,
        "Ouverts : {tickets} ({open} ouverts, {closed} fermés, {deleted} supprimés). Ouverts maintenant : {open_now}.",
    ),
    (
        StatsTimes,
        "Première réponse : médiane {response}, p90 {tail}. Délai de fermeture (médiane) : {resolution}.",
    ),
    (StatsRating, "Note : {rating}"),
    (StatsTopics, "Par sujet : {topics}"),
    (StatsDays, "7 derniers jours : {days}"),
    (StatsPage, "Graphiques : {link}"),
    // Many panels
    (
        PanelColorBad,
        "La couleur s'écrit avec six chiffres hexadécimaux, comme #3498DB.",
    ),
    (
        PanelEmojiBad,
        "L'emoji doit être un emoji, ou un emoji du serveur écrit <:nom:id>.",
    ),
    (
        PanelLabelTooLong,
        "Le libellé du bouton peut compter au plus {max} caractères.",
    ),
    (PanelLookRefused, "{error} Le panneau n'a pas été modifié."),
    (
        PanelSettingsPrompt,
        "**{title}** dans <#{channel}> : choisis ce qu'il faut changer. Chaque changement modifie le message publié.",
    ),
    (PanelTextsButton, "Textes et couleur"),
    (PanelButtonButton, "Libellé et emoji du bouton"),
    (PanelButtonModalTitle, "Le bouton du panneau"),
    (PanelLabelLabel, "Libellé (vide : par défaut)"),
    (PanelEmojiLabel, "Emoji, ou <:nom:id> (vide : aucun)"),
    (PanelColorLabel, "Couleur, comme #3498DB (vide : bleu)"),
    (
        PanelStylePlaceholder,
        "Comment les membres ouvrent un ticket ici",
    ),
    (PanelStyleBlue, "Bouton bleu"),
    (PanelStyleGrey, "Bouton gris"),
    (PanelStyleGreen, "Bouton vert"),
    (PanelStyleRed, "Bouton rouge"),
    (PanelStyleSelect, "Un menu de ses sujets"),
    (
        PanelTopicsPlaceholder,
        "Sujets qu'il ouvre (aucun choisi : tous)",
    ),
    (
        PanelsGoneForgotten,
        "Le message ou le salon de ces panneaux a été supprimé, ils sont donc oubliés : {channels}",
    ),
    (
        PanelThreadsNow,
        "Ses tickets sont des fils privés dans <#{channel}>.",
    ),
    (PanelChannelsNow, "Ses tickets sont des salons."),
    (PanelThreadsPlaceholder, "Tickets en fils privés dans…"),
    (PanelChannelsButton, "Tickets en salons"),
    (
        PanelThreadsSet,
        "Les tickets de ce panneau sont désormais des fils privés dans <#{channel}>. L'équipe les voit avec « Gérer les fils » dans ce salon.",
    ),
    (
        PanelChannelsSet,
        "Les tickets de ce panneau sont de nouveau des salons.",
    ),
    (PurposeThreadChannel, "salon des fils de tickets"),
    (
        ThreadTicketNoMove,
        "Ce ticket est un fil privé : il reste dans son salon et ne peut pas passer à un autre sujet.",
    ),
    (
        ThreadTicketNoNotes,
        "Ce ticket est un fil privé, et Discord ne met pas de fil dans un fil : les notes d’équipe sont pour les tickets en salon.",
    ),
    (
        PanelThreadsStaffBlind,
        "Les rôles d’équipe {roles} ne les voient pas encore : donnez-leur « Gérer les fils » dans <#{channel}>.",
    ),
];
