from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A person's role inside one organisation."""

    MEMBER = "member", _("Membre")
    ADMIN = "admin", _("Administrateur·ice")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REVOKED = "revoked", _("Annulée")


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    APPROVED = "approved", _("Acceptée")
    DECLINED = "declined", _("Refusée")


class AuditAction(models.TextChoices):
    """Sensitive actions kept in the audit log."""

    MEMBERSHIP_ADDED = "membership_added", _("Membre ajouté")
    ROLE_CHANGED = "role_changed", _("Rôle modifié")
    MEMBERSHIP_REMOVED = "membership_removed", _("Membre retiré")
    INVITATION_CREATED = "invitation_created", _("Invitation envoyée")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation acceptée")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation annulée")
    JOIN_REQUEST_APPROVED = "join_request_approved", _("Demande d'adhésion acceptée")
    JOIN_REQUEST_DECLINED = "join_request_declined", _("Demande d'adhésion refusée")
    DELEGATE_ASSIGNED = "delegate_assigned", _("Délégation attribuée")
    DELEGATE_UNASSIGNED = "delegate_unassigned", _("Délégation retirée")
    DATA_EXPORTED = "data_exported", _("Données personnelles exportées")
    ACCOUNT_DELETED = "account_deleted", _("Compte supprimé")
    PROFILE_CHANGE_ACCEPTED = "profile_change_accepted", _("Modification de fiche acceptée")
    PROFILE_CHANGE_REVERTED = "profile_change_reverted", _("Modification de fiche annulée")
    NEED_CREATED = "need_created", _("Besoin créé")
    NEED_SUBMITTED = "need_submitted", _("Besoin soumis")
    NEED_VALIDATED = "need_validated", _("Besoin validé")
    NEED_REJECTED = "need_rejected", _("Besoin refusé")
    NEED_SENT = "need_sent", _("Besoin envoyé")
    NEED_CLOSED = "need_closed", _("Besoin clos")
    NEED_SECTORS_CORRECTED = "need_sectors_corrected", _("Secteurs d'un besoin corrigés")
    NEED_SUPPLIER_ADDED = "need_supplier_added", _("Fournisseur ajouté à un besoin")
    NEED_SUPPLIER_REMOVED = "need_supplier_removed", _("Fournisseur retiré d'un besoin")
    MENTORING_RUN_ACCEPTED = "mentoring_run_accepted", _("Proposition de parrainages acceptée")
    MENTORING_PAIR_OVERRIDDEN = (
        "mentoring_pair_overridden",
        _("Paire de parrainage imposée ou écartée"),
    )
    AMBASSADOR_EVENT_VALIDATED = "ambassador_event_validated", _("Demande d'ambassadeur validée")
    AMBASSADOR_EVENT_REJECTED = "ambassador_event_rejected", _("Demande d'ambassadeur refusée")
    SPONSORSHIP_ENDED = "sponsorship_ended", _("Parrainage terminé")
    CONSORTIUM_CREATED = "consortium_created", _("Groupement ouvert")
    CONSORTIUM_FORMED = "consortium_formed", _("Groupement constitué")
    CONSORTIUM_STATUS_CHANGED = "consortium_status_changed", _("État d'un groupement modifié")
    CONSORTIUM_DISSOLVED = "consortium_dissolved", _("Groupement dissous")
