//! French (Discord locale `fr`), addressing people with "vous".

use super::Text::{self, *};

/// The French template of `text`; `None` for a key not translated yet.
pub(super) fn template(text: Text) -> Option<&'static str> {
    Some(match text {
        Warning => "⚠️ {note}",
        ReasonLine => "Raison : {reason}",
        TranscriptLine => "Transcription : {link}",

        HubPrompt => "**Centre des tickets** : choisissez une action.",
        HubPlaceholder => "Configurer ou gérer",
        HubSetup => "Configurer",
        HubManage => "Gérer",
        SetupPrompt => "**Configuration** : que voulez-vous configurer ?",
        SetupPlaceholder => "Choisir un réglage",
        SetupPanel => "Publier un message de panneau",
        SetupPanelRemove => "Retirer un panneau",
        SetupLogChannel => "Salon de journal",
        SetupLimits => "Limites de tickets",
        SetupStaffRoles => "Rôles de l'équipe",
        SetupTopicAdd => "Ajouter un sujet",
        SetupTopicList => "Lister les sujets",
        SetupTopicRemove => "Retirer un sujet",
        SetupLanguage => "Langue des messages des salons",
        ManagePrompt => "**Gestion** : que voulez-vous faire ?",
        ManagePlaceholder => "Choisir une action",
        ManageCloseThis => "Fermer ce ticket",
        ManageCloseAll => "Fermer tous les tickets ouverts",
        ManageAddUser => "Ajouter des personnes à ce ticket",
        ManageRemoveUser => "Retirer des personnes de ce ticket",
        PagePrevious => "Précédent",
        PageNext => "Suivant",
        CancelButton => "Annuler",
        Cancelled => "Annulé. Rien n'a été modifié.",
        UnknownChoice => "Choix inconnu. Rien n'a été modifié.",
        NotInTicket => "Utilisez ceci dans un salon de ticket.",
        NotAvailableHere => "Cette action n'est pas disponible ici. Rien n'a été modifié.",
        ChooseAChannel => "Choisissez un salon.",
        SettingNotSaved => "Le réglage n'a pas pu être enregistré ; veuillez réessayer.",

        PanelChannelPrompt => "Choisissez le salon du message de panneau.",
        PanelChannelPlaceholder => "Salon du panneau",
        PanelModalTitle => "Message de panneau",
        PanelTitleLabel => "Titre",
        PanelDescriptionLabel => "Description",
        PanelFooterLabel => "Pied de page",
        PanelTextRefused => "{error}. Rien n'a été publié.",
        PanelPosted => "Panneau publié.",
        PanelPostFailed => "Je n'ai pas pu publier le panneau à cet endroit : {error}",
        OpenTicketButton => "Ouvrir un ticket",
        DefaultPanelTitle => "Tickets d'assistance",
        DefaultPanelDescription => {
            "Cliquez sur le bouton ci-dessous pour ouvrir un ticket privé avec notre équipe."
        }
        DefaultPanelFooter => "Ticketeer",
        NoPanels => "Il n'y a aucun panneau à retirer.",
        PanelRemovePrompt => "Choisissez le panneau à retirer.",
        PanelPlaceholder => "Panneau",
        PanelOption => "{title} (dans #{channel})",
        PanelGone => "Ce panneau n'existe déjà plus.",
        PanelRemoved => "Panneau retiré.",
        PanelRemovedNotSaved => {
            "Le message du panneau a été supprimé, mais le réglage n'a pas pu être enregistré ; veuillez réessayer."
        }
        PanelTitleEmpty => "Le titre du panneau ne peut pas être vide.",
        PanelFieldTooLong => {
            "Le champ « {field} » du panneau peut contenir au plus {max} caractères."
        }
        PanelTotalTooLong => "Le texte du panneau peut contenir au plus {max} caractères au total.",
        PanelFieldTitle => "titre",
        PanelFieldDescription => "description",
        PanelFieldFooter => "pied de page",

        PurposePanelChannel => "salon de panneau",
        PurposeLogChannel => "salon de journal",
        CannotCheckPermissions => {
            "Je n'ai pas pu vérifier mes permissions dans <#{channel}> : {error}"
        }
        BotMissingPermission => {
            "Je ne peux pas utiliser <#{channel}> comme {purpose} : il me manque la permission **{missing}** dans ce salon. Accordez-la-moi (ou à mon rôle) dans les paramètres de ce salon, ou choisissez un autre salon."
        }
        BotMissingPermissions => {
            "Je ne peux pas utiliser <#{channel}> comme {purpose} : il me manque les permissions **{missing}** dans ce salon. Accordez-les-moi (ou à mon rôle) dans les paramètres de ce salon, ou choisissez un autre salon."
        }

        LanguagePrompt => {
            "Choisissez la langue des messages publiés dans les salons du serveur : bienvenue, fermeture, journal et panneaux. Les réponses adressées à chaque membre suivent sa propre langue Discord."
        }
        LanguagePlaceholder => "Langue",
        LanguageFollowServer => "La langue du serveur dans Discord",
        LanguageSet => "Les messages des salons seront en {language}.",
        LanguageFollowing => {
            "Les messages des salons suivront la langue du serveur dans Discord (sa langue principale dans les paramètres Communauté ; l'anglais si Discord n'en indique aucune que le bot parle)."
        }

        LogChannelPrompt => "Choisissez le salon de journal.",
        LogChannelPlaceholder => "Salon de journal",
        LogChannelSet => "Les événements des tickets seront consignés dans <#{channel}>.",
        LimitsModalTitle => "Limites de tickets",
        LimitPerMemberLabel => "Tickets ouverts par membre (act. {limit})",
        LimitPerGuildLabel => "Tickets ouverts par serveur (act. {limit})",
        LimitsRefused => "{error}. Les limites n'ont pas été modifiées.",
        LimitsSaved => {
            "Limites enregistrées : {per_member} ouverts par membre, {per_guild} par serveur."
        }
        LimitsNotSaved => "Les limites n'ont pas pu être enregistrées ; veuillez réessayer.",
        LimitNotANumber => "Le champ « {field} » doit être un nombre entier entre {min} et {max}.",
        LimitOutOfRange => "Le champ « {field} » doit être compris entre {min} et {max}.",
        LimitFieldPerMember => "tickets ouverts par membre",
        LimitFieldPerGuild => "tickets ouverts par serveur",
        StaffRolesPrompt => {
            "Choisissez jusqu'à {max} rôles d'équipe (ils voient et traitent tous les tickets)."
        }
        StaffRolesPlaceholder => "Rôles de l'équipe",
        StaffRolesRefused => "{error}. Rien n'a été modifié.",
        StaffRolesTooMany => "choisissez au plus {max} rôles d'équipe",
        StaffRolesEveryone => {
            "@everyone ne peut pas être un rôle d'équipe : chaque membre verrait tous les tickets"
        }
        StaffRolesCleared => "Rôles de l'équipe effacés.",
        StaffRolesSaved => {
            "Rôles de l'équipe enregistrés : {roles}. Appliqués aux catégories de tickets et à chaque ticket ouvert."
        }
        StaffRolesNotSaved => {
            "Les rôles de l'équipe n'ont pas pu être enregistrés ; veuillez réessayer."
        }

        TopicAddModalTitle => "Ajouter un sujet",
        TopicNameLabel => "Nom du sujet",
        TopicNameRefused => "{error}. Aucun sujet n'a été ajouté.",
        TopicAdded => "Sujet **{topic}** ajouté.",
        TopicNotSaved => "Le sujet n'a pas pu être enregistré ; veuillez réessayer.",
        TopicGone => "Ce sujet n'existe plus.",
        TopicGonePickAgain => {
            "Ce sujet n'existe plus. Cliquez à nouveau sur « Ouvrir un ticket » pour voir les sujets actuels."
        }
        NoTopics => "Aucun sujet pour l'instant. Ajoutez-en un depuis Configurer.",
        TopicListHeading => "**Sujets** (page {page} sur {pages}) :",
        TopicListItem => "- {topic}",
        NoTopicsToRemove => "Il n'y a aucun sujet à retirer.",
        TopicRemovePrompt => "Choisissez le sujet à retirer.",
        TopicRemovePlaceholder => "Sujet à retirer",
        TopicRemoveConfirm => {
            "Retirer le sujet **{topic}** ? Ses tickets ouverts seront d'abord déplacés dans la catégorie par défaut."
        }
        RemoveButton => "Retirer",
        TopicRemoved => {
            "Sujet **{topic}** retiré ; ses tickets ouverts ont été déplacés dans la catégorie par défaut."
        }
        TopicRemovedAudit => "Sujet de ticket retiré",
        TopicPickerPrompt => "Quel est l'objet de votre ticket ?",
        TopicPickerPlaceholder => "Choisir un sujet",
        TopicEmpty => "Le nom du sujet ne peut pas être vide.",
        TopicTooLong => "Le nom du sujet peut contenir au plus {max} caractères.",
        TopicControlChars => {
            "Le nom du sujet ne peut pas contenir de retours à la ligne ni de caractères de contrôle."
        }
        TopicDuplicate => "Un sujet portant ce nom existe déjà.",
        TopicTooMany => {
            "Ce serveur a déjà {max} sujets, le maximum autorisé. Retirez-en un d'abord."
        }

        CloseAllConfirm => {
            "Fermer les {open} tickets ouverts ? Ceux déjà fermés restent tels quels."
        }
        CloseAllButton => "Tout fermer",
        CloseAllProgress => "Fermeture des tickets ouverts… {done} sur {total} terminés.",
        CloseAllDone => "{closed} tickets ouverts fermés sur {total}.",
        AddUsersPrompt => "Choisissez jusqu'à {max} membres à ajouter.",
        RemoveUsersPrompt => "Choisissez jusqu'à {max} membres à retirer.",
        MembersPlaceholder => "Membres",

        NotAdmin => "Il vous faut la permission Gérer le serveur pour configurer les tickets.",
        NotStaff => "Seule l'équipe peut gérer les tickets.",
        CloseNotAllowed => "Seuls le membre qui a ouvert ce ticket et l'équipe peuvent le fermer.",
        ReopenNotAllowed => "Seule l'équipe peut rouvrir un ticket.",
        DeleteNotAllowed => "Seule l'équipe peut supprimer un ticket.",
        AddUserNotAllowed => "Seule l'équipe peut ajouter des personnes à un ticket.",
        RemoveUserNotAllowed => "Seule l'équipe peut retirer des personnes d'un ticket.",
        ReadTranscriptNotAllowed => "Seule l'équipe peut lire les transcriptions des tickets.",
        MenuOfSomeoneElse => "Ce menu appartient à quelqu'un d'autre.",

        StillOpening => {
            "Le ticket #{number} est encore en cours d'ouverture ; réessayez dans un instant."
        }
        NeverOpened => "Le ticket #{number} n'a jamais été ouvert.",
        WasDeleted => "Le ticket #{number} a été supprimé.",
        AlreadyOpen => "Le ticket #{number} est déjà ouvert.",
        OpenAgain => "Le ticket #{number} est de nouveau ouvert ; fermez-le d'abord.",
        AlreadyClosed => "Le ticket #{number} est déjà fermé.",
        ClosedNoPeopleChange => {
            "Le ticket #{number} est fermé ; rouvrez-le avant d'ajouter ou de retirer des personnes."
        }
        TicketIs => "Le ticket #{number} est {state}.",
        StateProvisioning => "encore en cours d'ouverture",
        StateOpen => "ouvert",
        StateClosed => "fermé",
        StateDeleted => "supprimé",
        StateFailed => "en échec",

        AlreadyBeingOpened => "Votre ticket est déjà en cours d'ouverture.",
        MemberLimitOne => {
            "Vous avez déjà un ticket ouvert. Utilisez-le, ou fermez-le avant d'en ouvrir un nouveau."
        }
        MemberLimit => {
            "Vous avez déjà {limit} tickets ouverts, le maximum autorisé ici. Fermez-en un avant d'en ouvrir un nouveau."
        }
        GuildLimit => {
            "Ce serveur a déjà {limit} tickets ouverts, le maximum autorisé. Réessayez quand l'équipe en aura fermé quelques-uns."
        }
        PlaceInLine => {
            "Beaucoup de membres ouvrent des tickets en ce moment. Votre ticket #{number} est en position {place} dans la file ({wait}). Ce message se met à jour à mesure que la file avance ; vous recevrez aussi un MP quand votre salon sera prêt."
        }
        WaitSeconds => "environ {seconds} s",
        WaitMinutes => "environ {minutes} min",
        LeftTheServer => {
            "Vous avez quitté le serveur, votre place dans la file a donc été libérée."
        }
        CategoryNotCreated => "Je n'ai pas pu créer la catégorie des tickets : {error}",
        DefaultCategoryName => "Tickets",
        OverflowCategoryName => "Tickets {n}",
        StorageFailed => {
            "Votre ticket n'a pas pu être ouvert à cause d'une erreur d'enregistrement. Veuillez réessayer."
        }
        TicketOpenLink => "Votre ticket #{number} est ouvert : {link}",
        CreateUnconfirmed => {
            "Discord ne répond pas à temps, le ticket #{number} n'a donc pas pu être confirmé. Il sera finalisé quand Discord sera rétabli ; merci de ne pas en ouvrir un autre."
        }
        CreateFailed => "Votre ticket n'a pas pu être ouvert : {error}",
        TicketGone => "Le ticket #{number} n'existe pas ici ou a déjà été supprimé.",
        TicketNotHere => "Ce ticket n'existe pas ici.",

        WelcomeTitle => "Ticket #{number}",
        Welcome => {
            "Bonjour <@{opener}> ! L'équipe va s'occuper de vous sous peu. Décrivez votre demande ici."
        }
        TopicLine => "Sujet : **{topic}**",
        CloseButton => "Fermer",
        CloseWithReasonButton => "Fermer avec une raison",
        DeleteButton => "Supprimer",
        ReopenButton => "Rouvrir",
        CloseReasonModalTitle => "Fermer le ticket #{number}",
        CloseReasonLabel => "Raison (facultatif)",
        NoChannel => "Ce ticket n'a pas de salon.",
        NotClosed => "Le ticket n'a pas été fermé : {error}",
        ClosedAnswer => "Ticket #{number} fermé.",
        ClosedTitle => "Ticket #{number} fermé",
        ClosedBy => "Fermé par <@{by}>.",
        ClosedDm => "Votre ticket #{number} a été fermé. La transcription est jointe.",
        ClosedDmWithLink => {
            "Votre ticket #{number} a été fermé. Transcription : {link} (également jointe)."
        }
        DmRefused => {
            "Discord a refusé le message privé (la personne a quitté le serveur ou n'accepte pas les MP du bot)"
        }
        HistoryUnreadable => "Les messages du salon n'ont pas pu être lus : {error}",
        NoHistoryPermission => {
            "Discord n'a renvoyé aucun message : le bot n'a pas la permission Voir les anciens messages dans ce salon. Accordez-la-lui (sur son rôle ou sur la catégorie des tickets) pour que les transcriptions soient complètes."
        }
        NoHistory => "Discord n'a renvoyé aucun message pour ce salon.",
        CouldNotReopen => "Impossible de rouvrir : {error}",
        ReopenedTitle => "Ticket #{number} rouvert",
        ReopenedBy => "Rouvert par <@{by}>.",
        ReopenedAnswer => "Ticket #{number} rouvert.",
        DeletedAudit => "Ticket #{number} supprimé",
        CouldNotDelete => "Impossible de supprimer : {error}",
        DeletedAnswer => "Ticket #{number} supprimé.",
        BotsSkipped => " Bots ignorés : {bots}.",
        NothingToChange => "Rien à modifier.{skipped}",
        CouldNotChangeAccess => "Impossible de modifier l'accès : {error}",
        UsersAdded => "{users} ajouté(s).{skipped}",
        UsersRemoved => "{users} retiré(s).{skipped}",
        MemberLeftTitle => "Membre parti",
        MemberLeftBody => "<@{user}> a quitté le serveur.",

        LogOpenedTitle => "Ticket ouvert",
        LogOpened => "Ticket #{number} ouvert par <@{opener}> dans <#{channel}>",
        LogClosedTitle => "Ticket fermé",
        LogClosed => "Ticket #{number} de <@{opener}> fermé par <@{by}>",
        LogNotDelivered => {
            "La transcription n'a pas pu être envoyée à la personne qui a ouvert le ticket : {why}."
        }
        LogReopenedTitle => "Ticket rouvert",
        LogReopened => "Ticket #{number} rouvert par <@{by}>",
        LogDeletedTitle => "Ticket supprimé",
        LogDeleted => "Ticket #{number} supprimé par <@{by}>",
        LogUserAddedTitle => "Personne ajoutée",
        LogUserRemovedTitle => "Personne retirée",
        LogUsersAdded => "{users} ajouté(s) au ticket #{number} par <@{by}>",
        LogUsersRemoved => "{users} retiré(s) du ticket #{number} par <@{by}>",
        LogChannelDeletedTitle => "Salon de ticket supprimé",
        LogChannelDeleted => {
            "Le salon du ticket #{number} a été supprimé en dehors du bot ; le ticket est fermé."
        }
        LogCannotPost => {
            "Je ne peux plus publier dans le salon de journal <#{channel}> : il me manque des permissions (Voir le salon, Envoyer des messages, Intégrer des liens, Joindre des fichiers, Voir les anciens messages). Les événements des tickets ne sont plus consignés."
        }
        LogChannelGone => {
            "Le salon de journal <#{channel}> n'existe plus. Choisissez-en un autre dans Configurer."
        }

        TranscriptNumberMissing => {
            "Indiquez le numéro du ticket, par ex. `/ticket transcript number:12`."
        }
        TranscriptOf => "Transcription du ticket #{number} :",
        NoTranscript => {
            "Le ticket #{number} n'a pas de transcription (il n'a jamais été fermé, ou n'existe pas)."
        }
        TranscriptUnreadable => "La transcription n'a pas pu être lue depuis le stockage.",
        TranscriptHtmlLeftOut => {
            "La transcription dépasse la limite d'envoi de Discord ({mib} Mio) ; seul le fichier texte est joint."
        }
        TranscriptTextCut => {
            "La transcription dépasse la limite d'envoi de Discord ({mib} Mio) ; le fichier texte joint est tronqué."
        }

        UnknownCommand => "Je ne connais pas cette commande.",
        UnknownComponent => {
            "Je ne connais pas ce bouton ou ce menu (il provient peut-être d'une ancienne version). Rien n'a été modifié."
        }
        NotUnderstood => "Je n'ai pas pu comprendre cette interaction. Rien n'a été modifié.",
        NotInGuild => {
            "Les tickets vivent sur les serveurs : utilisez le bouton « Ouvrir un ticket » dans un salon d'un serveur."
        }
        Restarting => "Ticketeer redémarre ; veuillez réessayer dans quelques secondes.",
        Apology => {
            "Un problème est survenu de notre côté pendant le traitement. Veuillez vérifier et réessayer."
        }

        DiscordMissingPermissions => {
            "Je n'ai pas les permissions nécessaires ici. Mon rôle a besoin de Gérer les salons, Gérer les rôles, Voir le salon, Envoyer des messages, Intégrer des liens, Joindre des fichiers et Voir les anciens messages sur tout le serveur : Discord ne me laisse donner à un ticket que ce que mon rôle possède, les accorder sur une seule catégorie ne suffit donc pas. Demandez à un administrateur du serveur de corriger mon rôle."
        }
        DiscordMaxChannels => {
            "Ce serveur a atteint la limite de Discord de {max} salons, aucun salon de ticket ne peut donc être créé."
        }
        DiscordUnknownChannel => "Ce salon n'existe plus.",
        DiscordRefused => {
            "Discord n'a pas accepté la requête ; veuillez réessayer dans un instant."
        }

        MessageContentOff => {
            "Les transcriptions ne contiendront pas le texte des messages : Discord le retient tant que l'intent Message Content du bot est désactivé. Activez « Message Content Intent » dans le {portal}."
        }
        ServerMembersOff => {
            "Le bot n'est pas prévenu quand des membres partent (l'intent Server Members est désactivé) : un membre qui part garde sa place dans la file d'attente et aucune note « membre parti » n'est publiée dans son ticket. Activez « Server Members Intent » dans le {portal}, puis redémarrez le bot."
        }
        PortalPath => {
            "Discord Developer Portal → votre application → Bot → Privileged Gateway Intents"
        }

        #[allow(unreachable_patterns)]
        _ => return None,
    })
}
