from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("accounts.signed_in", _("Signed in"))
register("accounts.sign_in_failed", _("Sign-in failed"))
register("accounts.second_factor_failed", _("Second-factor code refused"))
register("accounts.user_locked", _("Account locked after failed sign-ins"))  # before ADR "lockout"
register("accounts.sign_in_locked", _("Sign-in paused for one device after failed attempts"))
register("accounts.user_unlocked", _("Failed sign-ins cleared by an administrator"))
register("accounts.signed_out", _("Signed out"))
register("accounts.session_expired", _("Session expired"))
register("accounts.mfa_enrolled", _("Second factor enrolled"))
register("accounts.mfa_reset", _("Second factor reset by an administrator"))
register("accounts.password_reset", _("Password reset by an administrator"))
register("accounts.enrolment_issued", _("Enrolment code issued"))
register("accounts.enrolment_completed", _("Enrolment completed: password and second factor set"))
register("accounts.enrolment_refused", _("Enrolment code refused"))
register("accounts.recovery_code_used", _("Recovery code used"))
register("accounts.password_changed", _("Password changed"))
register("accounts.user_created", _("User created"))
register("accounts.user_changed", _("User changed"))
register("accounts.user_deactivated", _("User deactivated"))
register("accounts.unit_created", _("Unit created"))
register("accounts.unit_changed", _("Unit changed"))
register("accounts.demo_loaded", _("Demonstration data loaded"))
