"""Support requests in the admin: export a learner's data, erase an account after a confirmation, audit lines kept."""

import json

import pytest

from accounts.models import User
from privacy.models import AccountRequest
from tests.factories import StaffUserFactory, UserFactory, wallet_fund

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/accounts/user/"


@pytest.fixture
def staff(client):
    user = StaffUserFactory()
    client.force_login(user)
    return user


def test_support_exports_one_learners_data_and_the_audit_line_names_them(client, staff):
    learner = UserFactory()

    response = client.post(CHANGELIST, {"action": "export_data", "_selected_action": [learner.pk]})

    assert json.loads(response.content)["account"]["profile"]["email"] == learner.email
    line = AccountRequest.objects.get()
    assert (line.kind, line.subject_id, line.by_learner, line.actor) == ("export", learner.pk, False, staff)


def test_support_erases_an_account_only_after_confirming(client, staff):
    learner = UserFactory()
    wallet_fund(learner, 30)

    asked = client.post(CHANGELIST, {"action": "erase_accounts", "_selected_action": [learner.pk]})
    assert "Erase these accounts?" in asked.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()

    client.post(CHANGELIST, {"action": "erase_accounts", "_selected_action": [learner.pk], "confirmed": "yes"})

    assert not User.objects.filter(pk=learner.pk).exists()
    line = AccountRequest.objects.get()
    assert (line.kind, line.subject_id, line.actor) == ("erase", learner.pk, staff)
    assert line.owner.wallet.balance == 30


def test_the_audit_log_is_read_only(client, staff):
    UserFactory()
    assert client.get("/admin/privacy/accountrequest/").status_code == 200
    assert client.get("/admin/privacy/accountrequest/add/").status_code == 403
