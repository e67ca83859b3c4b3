//! German (Discord locale `de`), addressing people with "du" as German Discord servers do.

use super::Text::{self, *};

/// Every key's German template; `ui::text`'s tests check that none is missing or doubled.
pub(super) const TABLE: &[(Text, &str)] = &[
    (Warning, "⚠️ {note}"),
    (ReasonLine, "Grund: {reason}"),
    (TranscriptLine, "Transkript: {link}"),
    (HubPrompt, "**Ticket-Zentrale**: Was möchtest du tun?"),
    (HubPlaceholder, "Einrichten oder verwalten"),
    (HubSetup, "Einrichten"),
    (HubManage, "Verwalten"),
    (SetupPrompt, "**Einrichtung**: Was möchtest du einstellen?"),
    (SetupPlaceholder, "Einstellung wählen"),
    (SetupPanel, "Panel-Nachricht posten"),
    (SetupPanelRemove, "Panel entfernen"),
    (SetupLogChannel, "Log-Kanal"),
    (SetupLimits, "Ticket-Limits"),
    (SetupStaffRoles, "Team-Rollen"),
    (SetupTopicAdd, "Thema hinzufügen"),
    (SetupTopicList, "Themen anzeigen"),
    (SetupTopicRemove, "Thema entfernen"),
    (SetupLanguage, "Sprache der Kanalnachrichten"),
    (ManagePrompt, "**Verwalten**: Was möchtest du tun?"),
    (ManagePlaceholder, "Aktion wählen"),
    (ManageCloseThis, "Dieses Ticket schließen"),
    (ManageCloseAll, "Alle offenen Tickets schließen"),
    (ManageAddUser, "Personen zu diesem Ticket hinzufügen"),
    (ManageRemoveUser, "Personen aus diesem Ticket entfernen"),
    (PagePrevious, "Zurück"),
    (PageNext, "Weiter"),
    (CancelButton, "Abbrechen"),
    (Cancelled, "Abgebrochen. Es wurde nichts geändert."),
    (
        UnknownChoice,
        "Unbekannte Auswahl. Es wurde nichts geändert.",
    ),
    (NotInTicket, "Nutze das in einem Ticket-Kanal."),
    (
        NotAvailableHere,
        "Diese Aktion ist hier nicht verfügbar. Es wurde nichts geändert.",
    ),
    (ChooseAChannel, "Wähle einen Kanal."),
    (
        SettingNotSaved,
        "Die Einstellung konnte nicht gespeichert werden; bitte versuche es erneut.",
    ),
    (
        PanelChannelPrompt,
        "Wähle den Kanal für die Panel-Nachricht.",
    ),
    (PanelChannelPlaceholder, "Panel-Kanal"),
    (PanelModalTitle, "Panel-Nachricht"),
    (PanelTitleLabel, "Titel"),
    (PanelDescriptionLabel, "Beschreibung"),
    (PanelFooterLabel, "Fußzeile"),
    (PanelTextRefused, "{error} Es wurde nichts gepostet."),
    (PanelPosted, "Panel gepostet."),
    (
        PanelPostFailed,
        "Ich konnte das Panel dort nicht posten: {error}",
    ),
    (OpenTicketButton, "Ticket öffnen"),
    (DefaultPanelTitle, "Support-Tickets"),
    (
        DefaultPanelDescription,
        "Klicke auf den Button unten, um ein privates Ticket mit unserem Team zu öffnen.",
    ),
    (DefaultPanelFooter, "Ticketeer"),
    (NoPanels, "Es gibt keine Panels zum Entfernen."),
    (
        PanelRemovePrompt,
        "Wähle das Panel, das entfernt werden soll.",
    ),
    (PanelPlaceholder, "Panel"),
    (PanelOption, "{title} (in #{channel})"),
    (PanelGone, "Dieses Panel gibt es schon nicht mehr."),
    (PanelRemoved, "Panel entfernt."),
    (
        PanelRemovedNotSaved,
        "Die Panel-Nachricht wurde gelöscht, aber die Einstellung konnte nicht gespeichert werden; bitte versuche es erneut.",
    ),
    (PanelTitleEmpty, "Der Panel-Titel darf nicht leer sein."),
    (
        PanelFieldTooLong,
        "Das Feld „{field}“ des Panels darf höchstens {max} Zeichen lang sein.",
    ),
    (
        PanelTotalTooLong,
        "Der Panel-Text darf insgesamt höchstens {max} Zeichen lang sein.",
    ),
    (PanelFieldTitle, "Titel"),
    (PanelFieldDescription, "Beschreibung"),
    (PanelFieldFooter, "Fußzeile"),
    (PurposePanelChannel, "Panel-Kanal"),
    (PurposeLogChannel, "Log-Kanal"),
    (
        CannotCheckPermissions,
        "Ich konnte meine Berechtigungen in <#{channel}> nicht prüfen: {error}",
    ),
    (
        BotMissingPermission,
        "Ich kann <#{channel}> nicht als {purpose} nutzen: Mir fehlt dort **{missing}**. Gib mir (oder meiner Rolle) diese Berechtigung in den Einstellungen dieses Kanals oder wähle einen anderen Kanal.",
    ),
    (
        BotMissingPermissions,
        "Ich kann <#{channel}> nicht als {purpose} nutzen: Mir fehlen dort **{missing}**. Gib mir (oder meiner Rolle) diese Berechtigungen in den Einstellungen dieses Kanals oder wähle einen anderen Kanal.",
    ),
    (
        LanguagePrompt,
        "Wähle die Sprache der Kanalnachrichten des Servers: Begrüßung, Schließen, Log-Einträge und Panels. Die Antworten an einzelne Mitglieder folgen deren eigener Discord-Sprache.",
    ),
    (LanguagePlaceholder, "Sprache"),
    (LanguageFollowServer, "Die Sprache des Servers in Discord"),
    (
        LanguageSet,
        "Kanalnachrichten sind ab jetzt auf {language}.",
    ),
    (
        LanguageFollowing,
        "Kanalnachrichten folgen der Sprache des Servers in Discord (seiner Hauptsprache in den Community-Einstellungen; Englisch, wenn Discord keine angibt, die der Bot spricht).",
    ),
    (LogChannelPrompt, "Wähle den Log-Kanal."),
    (LogChannelPlaceholder, "Log-Kanal"),
    (
        LogChannelSet,
        "Ticket-Ereignisse werden in <#{channel}> protokolliert.",
    ),
    (LimitsModalTitle, "Ticket-Limits"),
    (
        LimitPerMemberLabel,
        "Offene Tickets je Mitglied (jetzt {limit})",
    ),
    (
        LimitPerGuildLabel,
        "Offene Tickets je Server (jetzt {limit})",
    ),
    (LimitsRefused, "{error} Die Limits wurden nicht geändert."),
    (
        LimitsSaved,
        "Limits gespeichert: {per_member} offene je Mitglied, {per_guild} je Server.",
    ),
    (
        LimitsNotSaved,
        "Die Limits konnten nicht gespeichert werden; bitte versuche es erneut.",
    ),
    (
        LimitNotANumber,
        "„{field}“ muss eine ganze Zahl zwischen {min} und {max} sein.",
    ),
    (
        LimitOutOfRange,
        "„{field}“ muss zwischen {min} und {max} liegen.",
    ),
    (LimitFieldPerMember, "Offene Tickets je Mitglied"),
    (LimitFieldPerGuild, "Offene Tickets je Server"),
    (
        StaffRolesPrompt,
        "Wähle bis zu {max} Team-Rollen (sie sehen und bearbeiten jedes Ticket).",
    ),
    (StaffRolesPlaceholder, "Team-Rollen"),
    (StaffRolesRefused, "{error} Es wurde nichts geändert."),
    (StaffRolesTooMany, "wähle höchstens {max} Team-Rollen"),
    (
        StaffRolesEveryone,
        "@everyone kann keine Team-Rolle sein: Jedes Mitglied würde jedes Ticket sehen",
    ),
    (StaffRolesCleared, "Team-Rollen entfernt."),
    (
        StaffRolesSaved,
        "Team-Rollen gespeichert: {roles}. Sie gelten für die Ticket-Kategorien und jedes offene Ticket.",
    ),
    (
        StaffRolesNotSaved,
        "Die Team-Rollen konnten nicht gespeichert werden; bitte versuche es erneut.",
    ),
    (TopicAddModalTitle, "Thema hinzufügen"),
    (TopicNameLabel, "Name des Themas"),
    (TopicNameRefused, "{error} Es wurde kein Thema hinzugefügt."),
    (TopicAdded, "Thema **{topic}** hinzugefügt."),
    (
        TopicNotSaved,
        "Das Thema konnte nicht gespeichert werden; bitte versuche es erneut.",
    ),
    (TopicGone, "Dieses Thema gibt es nicht mehr."),
    (
        TopicGonePickAgain,
        "Dieses Thema gibt es nicht mehr. Klicke erneut auf „Ticket öffnen“, um die aktuellen Themen zu sehen.",
    ),
    (
        NoTopics,
        "Noch keine Themen. Füge eines unter „Einrichten“ hinzu.",
    ),
    (TopicListHeading, "**Themen** (Seite {page} von {pages}):"),
    (TopicListItem, "- {topic}"),
    (NoTopicsToRemove, "Es gibt keine Themen zum Entfernen."),
    (
        TopicRemovePrompt,
        "Wähle das Thema, das entfernt werden soll.",
    ),
    (TopicRemovePlaceholder, "Zu entfernendes Thema"),
    (
        TopicRemoveConfirm,
        "Thema **{topic}** entfernen? Seine offenen Tickets werden zuerst in die Standardkategorie verschoben.",
    ),
    (RemoveButton, "Entfernen"),
    (
        TopicRemoved,
        "Thema **{topic}** entfernt; seine offenen Tickets wurden in die Standardkategorie verschoben.",
    ),
    (TopicRemovedAudit, "Ticket-Thema entfernt"),
    (TopicPickerPrompt, "Worum geht es in deinem Ticket?"),
    (TopicPickerPlaceholder, "Thema wählen"),
    (TopicEmpty, "Der Name des Themas darf nicht leer sein."),
    (
        TopicTooLong,
        "Der Name des Themas darf höchstens {max} Zeichen lang sein.",
    ),
    (
        TopicControlChars,
        "Der Name des Themas darf keine Zeilenumbrüche oder Steuerzeichen enthalten.",
    ),
    (
        TopicDuplicate,
        "Ein Thema mit diesem Namen gibt es bereits.",
    ),
    (
        TopicTooMany,
        "Dieser Server hat bereits {max} Themen, mehr sind nicht erlaubt. Entferne zuerst eines.",
    ),
    (
        CloseAllConfirm,
        "Alle {open} offenen Tickets schließen? Bereits geschlossene bleiben, wie sie sind.",
    ),
    (CloseAllButton, "Alle schließen"),
    (
        CloseAllProgress,
        "Offene Tickets werden geschlossen … {done} von {total} erledigt.",
    ),
    (
        CloseAllDone,
        "{closed} von {total} offenen Tickets geschlossen.",
    ),
    (
        AddUsersPrompt,
        "Wähle bis zu {max} Mitglieder zum Hinzufügen.",
    ),
    (
        RemoveUsersPrompt,
        "Wähle bis zu {max} Mitglieder zum Entfernen.",
    ),
    (MembersPlaceholder, "Mitglieder"),
    (
        NotAdmin,
        "Du brauchst die Berechtigung „Server verwalten“, um Tickets einzurichten.",
    ),
    (NotStaff, "Nur das Team kann Tickets verwalten."),
    (
        CloseNotAllowed,
        "Nur das Mitglied, das dieses Ticket geöffnet hat, oder das Team kann es schließen.",
    ),
    (
        ReopenNotAllowed,
        "Nur das Team kann ein Ticket wieder öffnen.",
    ),
    (DeleteNotAllowed, "Nur das Team kann ein Ticket löschen."),
    (
        AddUserNotAllowed,
        "Nur das Team kann Personen zu einem Ticket hinzufügen.",
    ),
    (
        RemoveUserNotAllowed,
        "Nur das Team kann Personen aus einem Ticket entfernen.",
    ),
    (
        ReadTranscriptNotAllowed,
        "Nur das Team kann Ticket-Transkripte lesen.",
    ),
    (MenuOfSomeoneElse, "Dieses Menü gehört jemand anderem."),
    (
        StillOpening,
        "Ticket #{number} wird noch geöffnet; versuche es gleich noch einmal.",
    ),
    (NeverOpened, "Ticket #{number} wurde nie geöffnet."),
    (WasDeleted, "Ticket #{number} wurde gelöscht."),
    (AlreadyOpen, "Ticket #{number} ist bereits offen."),
    (
        OpenAgain,
        "Ticket #{number} ist wieder offen; schließe es zuerst.",
    ),
    (AlreadyClosed, "Ticket #{number} ist bereits geschlossen."),
    (
        ClosedNoPeopleChange,
        "Ticket #{number} ist geschlossen; öffne es wieder, bevor du Personen hinzufügst oder entfernst.",
    ),
    (TicketIs, "Ticket #{number} ist {state}."),
    (StateProvisioning, "noch im Aufbau"),
    (StateOpen, "offen"),
    (StateClosed, "geschlossen"),
    (StateDeleted, "gelöscht"),
    (StateFailed, "fehlgeschlagen"),
    (AlreadyBeingOpened, "Dein Ticket wird bereits geöffnet."),
    (
        MemberLimitOne,
        "Du hast bereits ein offenes Ticket. Bitte nutze es oder schließe es, bevor du ein neues öffnest.",
    ),
    (
        MemberLimit,
        "Du hast bereits {limit} offene Tickets, mehr sind hier nicht erlaubt. Schließe eines, bevor du ein neues öffnest.",
    ),
    (
        GuildLimit,
        "Dieser Server hat bereits {limit} offene Tickets, mehr sind nicht erlaubt. Bitte versuche es erneut, sobald das Team einige geschlossen hat.",
    ),
    (
        PlaceInLine,
        "Gerade öffnen viele Mitglieder Tickets. Dein Ticket #{number} ist auf Platz {place} der Warteschlange ({wait}). Diese Nachricht wird aktualisiert, während die Schlange vorrückt; sobald dein Kanal bereit ist, bekommst du außerdem eine DM.",
    ),
    (WaitSeconds, "etwa {seconds} s"),
    (WaitMinutes, "etwa {minutes} min"),
    (
        LeftTheServer,
        "Du hast den Server verlassen, daher wurde dein Platz in der Warteschlange freigegeben.",
    ),
    (
        CategoryNotCreated,
        "Ich konnte die Ticket-Kategorie nicht erstellen: {error}",
    ),
    (DefaultCategoryName, "Tickets"),
    (OverflowCategoryName, "Tickets {n}"),
    (
        StorageFailed,
        "Dein Ticket konnte nicht geöffnet werden, weil das Speichern fehlgeschlagen ist. Bitte versuche es erneut.",
    ),
    (TicketOpenLink, "Dein Ticket #{number} ist offen: {link}"),
    (
        CreateUnconfirmed,
        "Discord antwortet nicht rechtzeitig, daher konnte Ticket #{number} nicht bestätigt werden. Es wird fertiggestellt, sobald Discord wieder erreichbar ist; bitte öffne kein weiteres.",
    ),
    (
        CreateFailed,
        "Dein Ticket konnte nicht geöffnet werden: {error}",
    ),
    (
        TicketGone,
        "Ticket #{number} gibt es hier nicht oder es wurde bereits gelöscht.",
    ),
    (TicketNotHere, "Dieses Ticket gibt es hier nicht."),
    (WelcomeTitle, "Ticket #{number}"),
    (
        Welcome,
        "Hallo <@{opener}>! Das Team kümmert sich gleich um dich. Beschreibe hier dein Anliegen.",
    ),
    (TopicLine, "Thema: **{topic}**"),
    (CloseButton, "Schließen"),
    (CloseWithReasonButton, "Mit Grund schließen"),
    (DeleteButton, "Löschen"),
    (ReopenButton, "Wieder öffnen"),
    (CloseReasonModalTitle, "Ticket #{number} schließen"),
    (CloseReasonLabel, "Grund (optional)"),
    (NoChannel, "Dieses Ticket hat keinen Kanal."),
    (NotClosed, "Das Ticket wurde nicht geschlossen: {error}"),
    (ClosedAnswer, "Ticket #{number} geschlossen."),
    (ClosedTitle, "Ticket #{number} geschlossen"),
    (ClosedBy, "Geschlossen von <@{by}>."),
    (
        ClosedDm,
        "Dein Ticket #{number} wurde geschlossen. Das Transkript ist angehängt.",
    ),
    (
        ClosedDmWithLink,
        "Dein Ticket #{number} wurde geschlossen. Transkript: {link} (auch angehängt).",
    ),
    (
        DmRefused,
        "Discord hat die Direktnachricht abgelehnt (die Person hat den Server verlassen oder nimmt keine DMs vom Bot an)",
    ),
    (
        HistoryUnreadable,
        "Die Nachrichten des Kanals konnten nicht gelesen werden: {error}",
    ),
    (
        NoHistoryPermission,
        "Discord hat keine Nachrichten geliefert: Dem Bot fehlt in diesem Kanal „Nachrichtenverlauf anzeigen“. Gib ihm diese Berechtigung (über seine Rolle oder die Ticket-Kategorie), damit Transkripte vollständig sind.",
    ),
    (
        NoHistory,
        "Discord hat für diesen Kanal keine Nachrichten geliefert.",
    ),
    (
        CouldNotReopen,
        "Konnte nicht wieder geöffnet werden: {error}",
    ),
    (ReopenedTitle, "Ticket #{number} wieder geöffnet"),
    (ReopenedBy, "Wieder geöffnet von <@{by}>."),
    (ReopenedAnswer, "Ticket #{number} wieder geöffnet."),
    (DeletedAudit, "Ticket #{number} gelöscht"),
    (CouldNotDelete, "Konnte nicht gelöscht werden: {error}"),
    (DeletedAnswer, "Ticket #{number} gelöscht."),
    (BotsSkipped, " Bots übersprungen: {bots}."),
    (NothingToChange, "Nichts zu ändern.{skipped}"),
    (
        CouldNotChangeAccess,
        "Der Zugriff konnte nicht geändert werden: {error}",
    ),
    (UsersAdded, "{users} hinzugefügt.{skipped}"),
    (UsersRemoved, "{users} entfernt.{skipped}"),
    (MemberLeftTitle, "Mitglied gegangen"),
    (MemberLeftBody, "<@{user}> hat den Server verlassen."),
    (LogOpenedTitle, "Ticket geöffnet"),
    (
        LogOpened,
        "Ticket #{number} geöffnet von <@{opener}> in <#{channel}>",
    ),
    (LogClosedTitle, "Ticket geschlossen"),
    (
        LogClosed,
        "Ticket #{number} von <@{opener}> geschlossen von <@{by}>",
    ),
    (
        LogNotDelivered,
        "Das Transkript konnte der Person, die das Ticket geöffnet hat, nicht geschickt werden: {why}.",
    ),
    (LogReopenedTitle, "Ticket wieder geöffnet"),
    (LogReopened, "Ticket #{number} wieder geöffnet von <@{by}>"),
    (LogDeletedTitle, "Ticket gelöscht"),
    (LogDeleted, "Ticket #{number} gelöscht von <@{by}>"),
    (LogUserAddedTitle, "Person hinzugefügt"),
    (LogUserRemovedTitle, "Person entfernt"),
    (
        LogUsersAdded,
        "{users} zu Ticket #{number} hinzugefügt von <@{by}>",
    ),
    (
        LogUsersRemoved,
        "{users} aus Ticket #{number} entfernt von <@{by}>",
    ),
    (LogChannelDeletedTitle, "Ticket-Kanal gelöscht"),
    (
        LogChannelDeleted,
        "Der Kanal von Ticket #{number} wurde außerhalb des Bots gelöscht; das Ticket ist geschlossen.",
    ),
    (
        LogCannotPost,
        "Ich kann nicht mehr im Log-Kanal <#{channel}> posten: Mir fehlen dort Berechtigungen (Kanal ansehen, Nachrichten senden, Links einbetten, Dateien anhängen, Nachrichtenverlauf anzeigen). Ticket-Ereignisse werden nicht protokolliert.",
    ),
    (
        LogChannelGone,
        "Den Log-Kanal <#{channel}> gibt es nicht mehr. Wähle unter „Einrichten“ einen anderen.",
    ),
    (
        TranscriptNumberMissing,
        "Gib die Ticketnummer an, z. B. `/ticket transcript number:12`.",
    ),
    (TranscriptOf, "Transkript von Ticket #{number}:"),
    (
        TranscriptOfAtLink,
        "Transkript von Ticket #{number}: {link}",
    ),
    (StatsLink, "Ticket-Statistik: {link}"),
    (
        ClosedDmLinkOnly,
        "Dein Ticket #{number} wurde geschlossen. Transkript: {link}",
    ),
    (TranscriptPageLine, "Transkript-Seite: {link}"),
    (
        TranscriptSentAsLinkOnly,
        "Das Transkript ist größer als Discords Upload-Limit und wird deshalb nur als Link gesendet.",
    ),
    (
        NoTranscript,
        "Ticket #{number} hat kein Transkript (es wurde nie geschlossen oder existiert nicht).",
    ),
    (
        TranscriptUnreadable,
        "Das Transkript konnte nicht aus dem Speicher gelesen werden.",
    ),
    (
        TranscriptHtmlLeftOut,
        "Das Transkript ist größer als Discords Upload-Limit ({mib} MiB); nur die Textdatei ist angehängt.",
    ),
    (
        TranscriptTextCut,
        "Das Transkript ist größer als Discords Upload-Limit ({mib} MiB); die angehängte Textdatei ist gekürzt.",
    ),
    (UnknownCommand, "Diesen Befehl kenne ich nicht."),
    (
        UnknownComponent,
        "Diesen Button oder dieses Menü kenne ich nicht (vielleicht aus einer älteren Version). Es wurde nichts geändert.",
    ),
    (
        NotUnderstood,
        "Ich konnte diese Interaktion nicht verstehen. Es wurde nichts geändert.",
    ),
    (
        NotInGuild,
        "Tickets gibt es auf Servern: Nutze den Button „Ticket öffnen“ in einem Kanal eines Servers.",
    ),
    (
        Restarting,
        "Ticketeer startet neu; bitte versuche es in ein paar Sekunden erneut.",
    ),
    (
        Apology,
        "Bei uns ist beim Bearbeiten etwas schiefgelaufen. Bitte prüfe es und versuche es erneut.",
    ),
    (
        DiscordMissingPermissions,
        "Mir fehlen hier die Berechtigungen dafür. Meine Rolle braucht serverweit „Kanäle verwalten“, „Rollen verwalten“, „Kanal ansehen“, „Nachrichten senden“, „Links einbetten“, „Dateien anhängen“ und „Nachrichtenverlauf anzeigen“: Discord lässt mich einem Ticket nur geben, was meine Rolle selbst hat, daher reicht es nicht, sie nur für eine Kategorie zu erteilen. Bitte eine Person mit Adminrechten, meine Rolle anzupassen.",
    ),
    (
        DiscordMaxChannels,
        "Dieser Server hat Discords Limit von {max} Kanälen erreicht, daher kann kein Ticket-Kanal erstellt werden.",
    ),
    (DiscordUnknownChannel, "Diesen Kanal gibt es nicht mehr."),
    (
        DiscordRefused,
        "Discord hat die Anfrage nicht angenommen; bitte versuche es gleich noch einmal.",
    ),
    (
        MessageContentOff,
        "Transkripte enthalten keinen Nachrichtentext: Discord hält ihn zurück, solange der Message-Content-Intent des Bots aus ist. Schalte „Message Content Intent“ im {portal} ein.",
    ),
    (
        ServerMembersOff,
        "Der Bot erfährt nicht, wenn Mitglieder gehen (der Server-Members-Intent ist aus): Wer geht, behält seinen Platz in der Warteschlange, und in seinem Ticket erscheint kein Hinweis „Mitglied gegangen“. Schalte „Server Members Intent“ im {portal} ein und starte den Bot dann neu.",
    ),
    (
        PortalPath,
        "Discord Developer Portal → deine Anwendung → Bot → Privileged Gateway Intents",
    ),
    // Inactivity.
    (
        SetupInactivity,
        "Inaktivitätswarnung und automatisches Schließen",
    ),
    (InactivityModalTitle, "Inaktivität: Warnung und Schließen"),
    (WarnAfterLabel, "Stunden still bis zur Warnung (0 = aus)"),
    (
        CloseAfterLabel,
        "Stunden nach der Warnung bis zum Schließen",
    ),
    (StalePingLabel, "Ping: auto, opener, staff oder none"),
    (
        InactivitySaved,
        "Inaktivität gespeichert: eine Warnung nach {warn} Stunden ohne Nachricht eines Menschen, das Schließen {close} Stunden später; die Warnung pingt {ping}.",
    ),
    (
        InactivityOffSaved,
        "Inaktivitätswarnung und automatisches Schließen sind aus.",
    ),
    (
        InactivityRefused,
        "{error} Die Inaktivitätseinstellungen wurden nicht geändert.",
    ),
    (
        InactivityNotSaved,
        "Die Inaktivitätseinstellungen konnten nicht gespeichert werden; bitte versuche es erneut.",
    ),
    (PingUnknown, "Ping muss auto, opener, staff oder none sein."),
    (
        YesOrNo,
        "„Schließen, wenn die Person den Server verlässt“ muss yes oder no sein.",
    ),
    (OpenerLeavesLabel, "Schließen, wenn Ersteller geht: yes/no"),
    (
        OpenerLeftReason,
        "die Person, die es geöffnet hat, hat den Server verlassen",
    ),
    (
        OpenerLeavesSaved,
        "Tickets werden geschlossen, wenn die Person, die sie geöffnet hat, den Server verlässt.",
    ),
    (
        PingAuto,
        "wer eine Antwort schuldet (die Person nach dem Team, sonst das Team)",
    ),
    (PingOpener, "die Person, die das Ticket geöffnet hat"),
    (PingStaff, "die Team-Rollen"),
    (PingNobody, "niemanden"),
    (LimitFieldWarnAfter, "Stunden bis zur Warnung"),
    (LimitFieldCloseAfter, "Stunden bis zum Schließen"),
    (StaleWarningTitle, "Ticket #{number} ist still"),
    (
        StaleWarning,
        "Seit {warn} Stunden hat hier niemand geschrieben. Das Ticket wird in {close} Stunden als inaktiv geschlossen, wenn niemand schreibt oder „Offen lassen“ drückt.",
    ),
    (KeepOpenButton, "Offen lassen"),
    (KeptOpen, "Ticket #{number} bleibt offen."),
    (
        NotWarned,
        "Ticket #{number} hat keine Inaktivitätswarnung, auf die man antworten könnte.",
    ),
    (InactiveReason, "inaktiv"),
    (
        AutocloseOff,
        "Ticket #{number} wird nicht mehr wegen Inaktivität gewarnt oder geschlossen.",
    ),
    (
        AutocloseOn,
        "Ticket #{number} wird wieder wegen Inaktivität gewarnt und geschlossen.",
    ),
    (AutocloseNotOpen, "Ticket #{number} ist nicht offen."),
    // The staff workflow.
    (ClaimButton, "Übernehmen"),
    (
        ClosedNoClaim,
        "Ticket #{number} ist geschlossen; öffne es wieder, bevor du die Übernahme änderst.",
    ),
    (UnclaimButton, "Freigeben"),
    (ClaimedLine, "Übernommen von <@{claimer}>"),
    (ClaimedAnswer, "Du hast Ticket #{number} übernommen."),
    (
        AlreadyClaimedByYou,
        "Du hast Ticket #{number} bereits übernommen.",
    ),
    (
        ClaimedBySomeoneElse,
        "Ticket #{number} wurde von <@{claimer}> übernommen. Diese Person oder ein Admin kann es an dich übergeben.",
    ),
    (
        UnclaimedAnswer,
        "Ticket #{number} ist nicht mehr übernommen.",
    ),
    (NotClaimed, "Ticket #{number} ist nicht übernommen."),
    (
        TransferredAnswer,
        "Ticket #{number} ist jetzt von <@{claimer}> übernommen.",
    ),
    (
        TransferPrompt,
        "Wähle das Teammitglied, an das Ticket #{number} übergeben wird.",
    ),
    (StaffPlaceholder, "Teammitglied"),
    (ClaimNotAllowed, "Nur das Team kann ein Ticket übernehmen."),
    (
        ClaimOwnTicket,
        "Du hast dieses Ticket geöffnet, also muss ein anderes Teammitglied es übernehmen.",
    ),
    (
        UnclaimNotAllowed,
        "Nur wer das Ticket übernommen hat oder ein Admin kann es freigeben.",
    ),
    (
        TransferNotAllowed,
        "Nur wer das Ticket übernommen hat oder ein Admin kann es übergeben.",
    ),
    (
        TransferToNonStaff,
        "<@{user}> gehört nicht zum Team; ein Ticket kann nur an das Team übergeben werden.",
    ),
    (
        TransferToOpener,
        "<@{user}> hat dieses Ticket geöffnet und kann es nicht übernehmen.",
    ),
    (TransferPickOne, "Wähle genau ein Teammitglied."),
    (CouldNotClaim, "Die Übernahme wurde nicht geändert: {error}"),
    (LogClaimedTitle, "Ticket übernommen"),
    (LogClaimed, "Ticket #{number} übernommen von <@{by}>"),
    (LogUnclaimedTitle, "Ticket freigegeben"),
    (LogUnclaimed, "Ticket #{number} freigegeben von <@{by}>"),
    (LogTransferredTitle, "Ticket übergeben"),
    (
        LogTransferred,
        "Ticket #{number} an <@{claimer}> übergeben von <@{by}>",
    ),
    (
        RequestCloseNotAllowed,
        "Nur die Person, die dieses Ticket geöffnet hat, oder das Team kann das Schließen anfragen oder eine Anfrage beantworten.",
    ),
    (CloseRequestTitle, "Schließen angefragt"),
    (
        CloseRequestByStaff,
        "<@{by}> (Team) möchte Ticket #{number} schließen. Drücke Schließen, wenn du fertig bist, oder Offen lassen, um weiterzuschreiben.",
    ),
    (
        CloseRequestByOpener,
        "<@{by}> bittet das Team, Ticket #{number} zu schließen. Team: Drückt Schließen, um es zu schließen, oder Offen lassen.",
    ),
    (CloseRequestButton, "Schließen"),
    (
        CloseRequestPosted,
        "Schließanfrage in Ticket #{number} gepostet.",
    ),
    (
        CloseRequestPending,
        "Ticket #{number} hat bereits eine Schließanfrage, die auf Antwort wartet.",
    ),
    (
        NoCloseRequest,
        "Ticket #{number} hat keine wartende Schließanfrage.",
    ),
    (KeptOpenAnswer, "Ticket #{number} bleibt offen."),
    (KeptOpenLine, "Offen gelassen von <@{by}>."),
    (
        CouldNotRequestClose,
        "Die Schließanfrage wurde nicht gepostet: {error}",
    ),
    (LogCloseRequestedTitle, "Schließen angefragt"),
    (
        LogCloseRequested,
        "Schließen von Ticket #{number} angefragt von <@{by}>",
    ),
    (LogKeptOpenTitle, "Ticket offen gelassen"),
    (LogKeptOpen, "Ticket #{number} offen gelassen von <@{by}>"),
    (
        CloseRequestDelayLine,
        "Schließt sich <t:{at}:R> von selbst, wenn niemand antwortet.",
    ),
    (
        CloseRequestWithdrawn,
        "<@{by}> hat geantwortet, die Schließanfrage ist zurückgezogen.",
    ),
    (
        CloseRequestNoReplyReason,
        "keine Antwort auf die Schließanfrage",
    ),
    (
        RequestDelayBad,
        "Die Frist muss zwischen 1 und {max} Stunden liegen.",
    ),
    (
        ClaimModeGuarded,
        "geschützt (das Team liest, nur wer übernommen hat schreibt)",
    ),
    (ClaimModeLabel, "nur Markierung (alle schreiben weiter)"),
    (
        ClaimModePrivate,
        "privat (nur wer übernommen hat sieht das Ticket im Team)",
    ),
    (
        ClaimModeSaved,
        "Das Übernehmen eines Tickets ist auf diesem Server jetzt {mode}.",
    ),
    (
        ClaimModeSavedTopic,
        "Das Übernehmen eines Tickets zum Thema **{topic}** ist jetzt {mode}.",
    ),
    (
        ClaimModeUnknown,
        "Wähle einen der angebotenen Übernahmemodi.",
    ),
    (
        ClaimModeNoSuchTopic,
        "Kein Thema hat diesen Namen. Themen sind in der Einrichtung aufgelistet.",
    ),
    (
        ClaimModeNotSaved,
        "Der Übernahmemodus konnte nicht gespeichert werden. Bitte versuche es erneut.",
    ),
    (PriorityLow, "niedrig"),
    (PriorityNormal, "normal"),
    (PriorityHigh, "hoch"),
    (PriorityUrgent, "dringend"),
    (PriorityLine, "Priorität: **{priority}**"),
    (
        PrioritySet,
        "Ticket #{number} hat jetzt die Priorität {priority}.",
    ),
    (PriorityUnknown, "Wähle eine der angebotenen Prioritäten."),
    (
        PriorityNotAllowed,
        "Nur das Team kann die Priorität eines Tickets setzen.",
    ),
    (LogPriorityTitle, "Priorität geändert"),
    (
        LogPriority,
        "Ticket #{number} auf Priorität {priority} gesetzt von <@{by}>",
    ),
    (RenameNotAllowed, "Nur das Team kann ein Ticket umbenennen."),
    (
        RenameBadName,
        "Dieser Name enthält nichts, was Discord in einem Kanalnamen erlaubt (Buchstaben, Ziffern, - und _).",
    ),
    (RenamedAnswer, "Ticket #{number} umbenannt in **{name}**."),
    (
        RenameQueued,
        "Discord erlaubt zwei Umbenennungen pro Kanal alle 10 Minuten: Ticket #{number} heißt <t:{at}:R> **{name}**.",
    ),
    (CouldNotRename, "Umbenennen nicht möglich: {error}"),
    (LogRenamedTitle, "Ticket umbenannt"),
    (
        LogRenamed,
        "Ticket #{number} umbenannt in {name} von <@{by}>",
    ),
    (
        MoveNotAllowed,
        "Nur das Team kann ein Ticket in ein anderes Thema verschieben.",
    ),
    (
        MoveNoSuchTopic,
        "Kein Thema heißt so. Wähle eines der angebotenen Themen.",
    ),
    (MoveSameTopic, "Ticket #{number} ist schon in **{topic}**."),
    (MovedAnswer, "Ticket #{number} verschoben nach **{topic}**."),
    (CouldNotMove, "Das Ticket wurde nicht verschoben: {error}"),
    (LogMovedTitle, "Ticket verschoben"),
    (
        LogMoved,
        "Ticket #{number} verschoben nach {topic} von <@{by}>",
    ),
    (EventClaimed, "hat das Ticket übernommen"),
    (EventUnclaimed, "hat die Übernahme abgegeben"),
    (EventTransferred, "hat das Ticket an {name} übergeben"),
    (EventMoved, "hat das Ticket nach {topic} verschoben"),
    (EventPriority, "hat die Priorität auf {priority} gesetzt"),
    (EventRenamed, "hat den Kanal in {name} umbenannt"),
    (EventCloseRequested, "hat gebeten, das Ticket zu schließen"),
    (
        EventCloseRequestedReason,
        "hat gebeten, das Ticket zu schließen: {request_reason}",
    ),
    (EventKeptOpen, "hat das Ticket offen gelassen"),
    (
        NotesNotAllowed,
        "Nur das Team kann die internen Notizen eines Tickets lesen und schreiben.",
    ),
    (NotesThreadName, "team-notizen"),
    (
        NotesReady,
        "Interne Notizen zu Ticket #{number}: <#{thread}>. Nur hinzugefügte Teammitglieder sehen sie (/tickets notes fügt dich hinzu); das Transkript für den Ersteller lässt sie weg.",
    ),
    (
        NotesNotCreated,
        "Die internen Notizen konnten nicht angelegt werden: {error}",
    ),
    (
        NotesNotJoined,
        "Du konntest nicht zu den internen Notizen hinzugefügt werden: {error}",
    ),
    (
        NotesUnreadable,
        "Die internen Notizen konnten nicht gelesen werden: {error}",
    ),
    (
        StaffNotesHeading,
        "Interne Notizen (nicht in der Kopie des Erstellers)",
    ),
    (
        RatePrompt,
        "Wie war unser Support? Bewerte Ticket #{number}:",
    ),
    (
        RateNotOpener,
        "Nur das Mitglied, das Ticket #{number} eröffnet hat, kann es bewerten.",
    ),
    (
        RateNotClosed,
        "Ticket #{number} ist wieder offen; bewerte es, wenn es geschlossen ist.",
    ),
    (
        RateFirst,
        "Bewerte Ticket #{number} zuerst mit Sternen, dann kannst du kommentieren.",
    ),
    (
        RateThanks,
        "Danke! Du hast Ticket #{number} mit {stars} von 5 bewertet. Du kannst das ändern oder einen Kommentar hinzufügen.",
    ),
    (RateCommentButton, "Kommentar hinzufügen"),
    (RateCommentTitle, "Rückmeldung zu Ticket #{number}"),
    (RateCommentLabel, "Was sollte das Team wissen?"),
    (
        RateCommentThanks,
        "Danke! Dein Kommentar zu Ticket #{number} ist beim Team.",
    ),
    (
        RateNotSaved,
        "Deine Bewertung konnte nicht gespeichert werden. Bitte versuche es erneut.",
    ),
    (LogFeedbackTitle, "Rückmeldung"),
    (
        LogFeedback,
        "Ticket #{number} mit {stars}/5 bewertet von <@{by}>",
    ),
    (LogFeedbackComment, "Kommentar: {comment}"),
    (
        StaffFigures,
        "<@{user}> hat {answered} Tickets zuerst beantwortet (Median der ersten Antwort: {response}), {claims} übernommen, und die Tickets sind mit {rating} bewertet.",
    ),
    (StaffFiguresNone, "noch keine"),
    (FormTopicLabel, "Nur für dieses Thema (leer: ganzer Server)"),
    (ForTopic, "Thema **{topic}**:"),
    (
        SetupFeedback,
        "Rückmeldung: Sterne in der Schließ-DM (an/aus)",
    ),
    (
        FeedbackOffSaved,
        "Rückmeldung ist aus: die Schließ-DM fragt nicht mehr nach einer Bewertung.",
    ),
    (
        FeedbackOnSaved,
        "Rückmeldung ist an: die Schließ-DM fragt nach 1 bis 5 Sternen.",
    ),
    (
        FeedbackNotSaved,
        "Die Einstellung zur Rückmeldung konnte nicht gespeichert werden. Bitte versuche es erneut.",
    ),
    (SetupHours, "Supportzeiten"),
    (HoursModalTitle, "Supportzeiten"),
    (HoursZoneLabel, "Zeitzone (IANA, z. B. Europe/Berlin)"),
    (HoursWindowsLabel, "Zeiten, z. B. mon-fri 09:00-17:00"),
    (HoursOutsideLabel, "Außerhalb: refuse oder notice"),
    (
        HoursSaved,
        "Supportzeiten gespeichert: {windows} ({zone}). Außerhalb wird ein neues Ticket {outside}. Das Team kann immer Tickets eröffnen.",
    ),
    (
        HoursOffSaved,
        "Supportzeiten sind aus: Tickets öffnen jederzeit.",
    ),
    (
        HoursOutsideRefuse,
        "abgelehnt, mit der nächsten Öffnungszeit",
    ),
    (
        HoursOutsideNotice,
        "eröffnet, mit dem Hinweis, dass Antworten dauern können",
    ),
    (
        HoursRefused,
        "Die Supportzeiten wurden nicht geändert: {error}",
    ),
    (
        HoursNotSaved,
        "Die Supportzeiten konnten nicht gespeichert werden. Bitte versuche es erneut.",
    ),
    (
        HoursBadDay,
        "{value} ist kein Tag (mon, tue, wed, thu, fri, sat, sun)",
    ),
    (HoursBadTime, "{value} ist keine Zeitspanne wie 09:00-17:00"),
    (HoursEmpty, "es wurden keine Zeiten angegeben"),
    (
        HoursBadZone,
        "{value} ist keine IANA-Zeitzone wie Europe/Berlin",
    ),
    (
        HoursBadOutside,
        "außerhalb ist refuse oder notice, nicht {value}",
    ),
    (
        OutsideHoursRefused,
        "Der Support ist gerade geschlossen. Er öffnet wieder <t:{at}:F> (<t:{at}:R>); bitte eröffne dein Ticket dann.",
    ),
    (
        OutsideHoursClosed,
        "Der Support ist gerade geschlossen; bitte versuche es später erneut.",
    ),
    (
        OutsideHoursNotice,
        "Der Support ist gerade geschlossen, Antworten können dauern; er öffnet wieder <t:{at}:F>.",
    ),
    (ListEmpty, "Kein offenes Ticket passt."),
    (
        ListHeader,
        "Offene Tickets {from}–{to} von {total} (Seite {page} von {pages}):",
    ),
    (ListEntry, "#{number} {link} · <@{opener}> · {priority}"),
    (ListClaimedBy, " · übernommen von <@{claimer}>"),
    (
        ListReadFailed,
        "Die Tickets konnten nicht aus dem Speicher gelesen werden.",
    ),
    // Intake: questions and abuse controls
    (
        IntakeBlocked,
        "Du bist hier für das Öffnen von Tickets gesperrt.",
    ),
    (
        IntakeBlockedUntil,
        "Du bist hier bis <t:{at}:f> für das Öffnen von Tickets gesperrt.",
    ),
    (
        IntakeRolesAny,
        "Für ein Ticket zu diesem Thema brauchst du eine dieser Rollen: {roles}.",
    ),
    (
        IntakeRolesAll,
        "Für ein Ticket zu diesem Thema brauchst du alle diese Rollen: {roles}.",
    ),
    (
        IntakeCooldown,
        "Du hast gerade erst ein Ticket geöffnet. Ein weiteres kannst du <t:{at}:R> öffnen.",
    ),
    (
        IntakeDailyCap,
        "Du hast heute {limit} Tickets geöffnet, mehr sind hier nicht erlaubt. Ein weiteres kannst du <t:{at}:R> öffnen.",
    ),
    (IntakeModalTitle, "Bevor dein Ticket öffnet"),
    (EditAnswersModalTitle, "Antworten bearbeiten"),
    (EditAnswersButton, "Antworten bearbeiten"),
    (NoAnswer, "(keine Antwort)"),
    (
        AnswersNotUnderstood,
        "Deine Antworten konnten nicht gelesen werden: Das Formular hat sich vielleicht geändert. Bitte öffne das Ticket erneut.",
    ),
    (AnswerMissing, "Bitte beantworte „{label}“."),
    (
        AnswerLength,
        "Deine Antwort auf „{label}“ braucht {min} bis {max} Zeichen.",
    ),
    (
        AnswersNotYours,
        "Nur wer dieses Ticket geöffnet hat, kann die Antworten bearbeiten.",
    ),
    (
        AnswersUpdated,
        "Deine Antworten in Ticket #{number} wurden aktualisiert.",
    ),
    (
        AnswersTicketNotOpen,
        "Ticket #{number} ist nicht offen, die Antworten können nicht mehr bearbeitet werden.",
    ),
    (
        QuestionLabelBad,
        "Eine Frage braucht eine Beschriftung mit 1 bis {max} Zeichen in einer Zeile.",
    ),
    (
        QuestionPlaceholderBad,
        "Ein Platzhalter hat höchstens {max} Zeichen in einer Zeile.",
    ),
    (
        QuestionLengthsBad,
        "Längen sind ganze Zahlen: das Maximum von 1 bis {max}, das Minimum nicht darüber.",
    ),
    (
        QuestionTooMany,
        "Ein Formular hat höchstens {max} Fragen (Discords Grenze).",
    ),
    (SetupQuestions, "Fragen vor dem Ticket"),
    (SetupControls, "Wartezeit und Tageslimit"),
    (SetupBlocklist, "Sperrliste"),
    (
        QuestionScopePrompt,
        "**Fragen vor dem Ticket** werden in einem Formular gestellt, bevor ein Ticket öffnet, höchstens {max} pro Thema. Wähle, wo sie gestellt werden.",
    ),
    (QuestionScopePlaceholder, "Wo die Fragen gestellt werden"),
    (QuestionScopeNoTopic, "Der Öffnen-Knopf (ohne Thema)"),
    (QuestionsHeader, "**Fragen für {topic}** ({n} von {max}):"),
    (
        QuestionsNone,
        "Noch keine Fragen: Das Ticket öffnet sofort.",
    ),
    (
        QuestionLineShort,
        "{n}. **{label}** · kurze Antwort, {min}–{max} Zeichen",
    ),
    (
        QuestionLineLong,
        "{n}. **{label}** · lange Antwort, {min}–{max} Zeichen",
    ),
    (QuestionRequiredMark, " · Pflicht"),
    (QuestionSubjectMark, " · Betreff (Kanalthema)"),
    (
        QuestionMenuPlaceholder,
        "Frage bearbeiten, verschieben, entfernen oder markieren",
    ),
    (QuestionOptEdit, "Frage {n} bearbeiten"),
    (QuestionOptUp, "Frage {n} nach oben"),
    (QuestionOptRemove, "Frage {n} entfernen"),
    (
        QuestionOptSubject,
        "Frage {n} als Betreff (Kanalthema) oder nicht",
    ),
    (QuestionAddButton, "Frage hinzufügen"),
    (QuestionPreviewButton, "Formular ansehen"),
    (QuestionModalTitle, "Frage {n}"),
    (QuestionLabelLabel, "Frage (höchstens {max} Zeichen)"),
    (QuestionPlaceholderLabel, "Platzhalter (optional)"),
    (
        QuestionLengthsLabel,
        "Länge min-max, z. B. 10-500 (optional)",
    ),
    (QuestionLongLabel, "Lange Antwort? yes oder no"),
    (QuestionRequiredLabel, "Pflicht? yes oder no"),
    (QuestionsSaved, "Gespeichert: {n} Fragen für {topic}."),
    (
        QuestionGone,
        "Diese Frage gibt es nicht mehr; öffne die Liste erneut.",
    ),
    (QuestionRefused, "Frage nicht gespeichert: {error}"),
    (
        PreviewDone,
        "Das war eine Vorschau: Es wurde nichts geöffnet.",
    ),
    (RolesPlaceholder, "Rollen, die dieses Thema braucht"),
    (RolesAnyOfButton, "Eine dieser Rollen"),
    (RolesAllOfButton, "Alle diese Rollen"),
    (RolesNone, "Jeder darf dieses Thema öffnen."),
    (RolesLineAny, "Zum Öffnen nötig: eine von {roles}."),
    (RolesLineAll, "Zum Öffnen nötig: alle von {roles}."),
    (RolesSaved, "Nötige Rollen für {topic} gespeichert."),
    (ControlsModalTitle, "Wartezeit und Tageslimit"),
    (CooldownLabel, "Minuten zwischen Tickets (0 = aus)"),
    (DailyCapLabel, "Tickets pro Mitglied und Tag (0 = frei)"),
    (
        ControlsSaved,
        "Gespeichert: {minutes} Minuten zwischen den Tickets eines Mitglieds (0 = aus), höchstens {limit} pro Tag (0 = frei). Das Team ist ausgenommen.",
    ),
    (
        ControlsRefused,
        "Nicht gespeichert: Minuten sind eine ganze Zahl von 0 bis {max}, das Tageslimit von 0 bis {limit}.",
    ),
    (
        BlocklistHeader,
        "**Sperrliste**: Gesperrte Mitglieder und Mitglieder mit einer gesperrten Rolle können keine Tickets öffnen (das Team immer).",
    ),
    (BlocklistEmpty, "Niemand ist gesperrt."),
    (BlockUntil, " bis <t:{at}:f>"),
    (BlockUserPlaceholder, "Mitglied sperren"),
    (BlockRolePlaceholder, "Rolle sperren"),
    (UnblockPlaceholder, "Entsperren"),
    (
        ResetOpensPlaceholder,
        "Wartezeit und Tageszähler eines Mitglieds zurücksetzen",
    ),
    (BlockModalTitle, "Vom Öffnen von Tickets sperren"),
    (BlockReasonLabel, "Grund, wird angezeigt (optional)"),
    (BlockDaysLabel, "Tage (leer: bis zur Entsperrung)"),
    (BlockedMember, "<@{user}> kann keine Tickets mehr öffnen."),
    (
        BlockedRole,
        "Mitglieder mit {roles} können keine Tickets mehr öffnen.",
    ),
    (
        BlockDaysBad,
        "Nicht gesperrt: Tage sind eine ganze Zahl von 1 bis {max}.",
    ),
    (Unblocked, "Entsperrt."),
    (
        OpensReset,
        "Wartezeit und Tageszähler zurückgesetzt für {users}.",
    ),
    (
        IntakeNotSaved,
        "Das konnte nicht gespeichert werden; bitte versuche es erneut.",
    ),
    (SetupPanelEdit, "Gepostetes Panel bearbeiten"),
    (
        PanelEditPrompt,
        "Welches Panel möchtest du bearbeiten? Seine Nachricht wird bearbeitet, nicht neu gepostet.",
    ),
    (PanelEditModalTitle, "Panel bearbeiten"),
    (
        PanelEdited,
        "Das Panel wurde an Ort und Stelle aktualisiert.",
    ),
    (
        PanelGoneForgotten,
        "Die Nachricht oder der Kanal dieses Panels wurde gelöscht, daher ist das Panel jetzt vergessen. Poste ein neues über die Einrichtung.",
    ),
    (
        PanelEditFailed,
        "Das Panel konnte nicht bearbeitet werden: {error}",
    ),
    // Ready channels
    (
        ReadyChannelTopic,
        "Von Ticketeer verborgen gehalten, bereit, sofort das nächste Ticket zu werden. Wer ihn löscht oder bearbeitet, nimmt ihn aus dem Vorrat.",
    ),
    (
        ReadyChannelDeleteReason,
        "Ticketeer: Bereitschaftskanal nicht mehr benötigt",
    ),
    (
        SetupReadyChannels,
        "Bereitschaftskanäle (schnellere Tickets im Andrang)",
    ),
    (ReadyModalTitle, "Bereitschaftskanäle"),
    (ReadySizeLabel, "Wie viele bereithalten (0 = aus)"),
    (
        ReadySaved,
        "Bereitschaftskanäle an: {n} verborgene Kanäle werden angelegt, solange der Server ruhig ist, und jeder wird sofort zum Ticket.",
    ),
    (
        ReadyOffSaved,
        "Bereitschaftskanäle sind aus; die verborgenen werden gelöscht.",
    ),
    (
        ReadyRefused,
        "Gib eine Zahl von 0 bis {max} ein. Die Bereitschaftskanäle wurden nicht geändert.",
    ),
    (
        ReadyNotSaved,
        "Die Bereitschaftskanäle konnten nicht gespeichert werden; bitte versuche es erneut.",
    ),
    (ReadyCategoryName, "Bereitschaftskanäle"),
    (StatsHead, "**Ticket-Statistik: {period}**"),
    (StatsDay, "die letzten 24 Stunden"),
    (StatsWeek, "die letzten 7 Tage"),
    (StatsMonth, "die letzten 30 Tage"),
    (StatsAll, "gesamter Zeitraum"),
    (
        StatsCounts,
        "Eröffnet: {tickets} ({open} offen, {closed} geschlossen, {deleted} gelöscht). Jetzt offen: {open_now}.",
    ),
    (
        StatsTimes,
        "Erste Antwort: Median {response}, p90 {tail}. Zeit bis zum Schließen (Median): {resolution}.",
    ),
    (StatsRating, "Bewertung: {rating}"),
    (StatsTopics, "Pro Thema: {topics}"),
    (StatsDays, "Letzte 7 Tage: {days}"),
    (StatsPage, "Diagramme: {link}"),
    // Many panels
    (
        PanelColorBad,
        "Die Farbe besteht aus sechs Hex-Ziffern, etwa #3498DB.",
    ),
    (
        PanelEmojiBad,
        "Das Emoji muss ein Emoji sein oder ein Server-Emoji in der Form <:name:id>.",
    ),
    (
        PanelLabelTooLong,
        "Die Beschriftung des Knopfs darf höchstens {max} Zeichen lang sein.",
    ),
    (PanelLookRefused, "{error} Das Panel wurde nicht geändert."),
    (
        PanelSettingsPrompt,
        "**{title}** in <#{channel}>: wähle, was du ändern möchtest. Jede Änderung bearbeitet die gepostete Nachricht.",
    ),
    (PanelTextsButton, "Texte und Farbe"),
    (PanelButtonButton, "Beschriftung und Emoji"),
    (PanelButtonModalTitle, "Der Knopf des Panels"),
    (PanelLabelLabel, "Beschriftung (leer: Standard)"),
    (PanelEmojiLabel, "Emoji oder <:name:id> (leer: keins)"),
    (PanelColorLabel, "Farbe, etwa #3498DB (leer: blau)"),
    (
        PanelStylePlaceholder,
        "Wie Mitglieder hier ein Ticket öffnen",
    ),
    (PanelStyleBlue, "Blauer Knopf"),
    (PanelStyleGrey, "Grauer Knopf"),
    (PanelStyleGreen, "Grüner Knopf"),
    (PanelStyleRed, "Roter Knopf"),
    (PanelStyleSelect, "Ein Menü seiner Themen"),
    (
        PanelTopicsPlaceholder,
        "Themen, die es öffnet (keins gewählt: alle)",
    ),
    (
        PanelsGoneForgotten,
        "Nachricht oder Kanal dieser Panels wurde gelöscht, daher sind sie vergessen: {channels}",
    ),
    (
        PanelThreadsNow,
        "Seine Tickets sind private Threads in <#{channel}>.",
    ),
    (PanelChannelsNow, "Seine Tickets sind Kanäle."),
    (PanelThreadsPlaceholder, "Tickets als private Threads in…"),
    (PanelChannelsButton, "Tickets als Kanäle"),
    (
        PanelThreadsSet,
        "Die Tickets dieses Panels sind jetzt private Threads in <#{channel}>. Das Team sieht sie mit „Threads verwalten“ dort.",
    ),
    (
        PanelChannelsSet,
        "Die Tickets dieses Panels sind wieder Kanäle.",
    ),
    (PurposeThreadChannel, "Kanal für Ticket-Threads"),
    (
        ThreadTicketNoMove,
        "Dieses Ticket ist ein privater Thread: Es bleibt in seinem Kanal und kann nicht zu einem anderen Thema wechseln.",
    ),
    (
        ThreadTicketNoNotes,
        "Dieses Ticket ist ein privater Thread, und Discord erlaubt keinen Thread in einem Thread: Team-Notizen gibt es nur für Kanal-Tickets.",
    ),
    (
        PanelThreadsStaffBlind,
        "Die Team-Rollen {roles} sehen sie noch nicht: Gib ihnen „Threads verwalten“ in <#{channel}>.",
    ),
];
