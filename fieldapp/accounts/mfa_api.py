"""Setting up a second factor, and an admin's reset of one."""
from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.accounts import second_factor
from fieldapp.accounts import services as accounts
from fieldapp.mfa import services
from fieldapp.mfa.schemas import RecoveryCodesSchema, TotpConfirmSchema, TotpSetupSchema
from fieldapp.roles import ADMIN
from fieldapp.web.access import ANY_ROLE, allow, enrolment_step

blp = Blueprint("api_mfa", __name__, url_prefix="/api/v1", description="Second factor (TOTP)")


@blp.route("/me/mfa/totp", methods=["POST"])
@blp.response(201, TotpSetupSchema)
@allow(ANY_ROLE)
@enrolment_step
def begin_totp():
    """Start setting up an authenticator app: a new secret, pending until confirmed.

    Calling again replaces the pending secret. 409 once a second factor is set up."""
    credential = services.begin_enrolment(current_user)
    return {"secret": credential.secret, "otpauth_uri": services.provisioning_uri(current_user, credential.secret)}


@blp.route("/me/mfa/totp/confirm", methods=["POST"])
@blp.arguments(TotpConfirmSchema)
@blp.response(200, RecoveryCodesSchema)
@allow(ANY_ROLE)
@enrolment_step
def confirm_totp(data):
    """Confirm the pending secret with a current code; answers the recovery codes, shown only now.

    Every other session and token of yours ends; the one making this call now carries the factor."""
    codes = second_factor.confirm_enrolment(current_user, data["otp"], keep=current_user.login_session)
    return {"recovery_codes": codes}


@blp.route("/users/<int:user_id>/mfa", methods=["DELETE"])
@blp.response(204)
@allow(ADMIN)
def reset_mfa(user_id):
    """Remove a user's second factor (lost device) and sign them out everywhere; audited."""
    second_factor.reset_second_factor(accounts.get_user(user_id), by=current_user)
