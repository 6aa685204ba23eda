"""`flask admins create|password|list`: superadmins, moderators, hashed passwords."""

from sqlalchemy import select

from widget.extensions import db
from widget.models import Admin

PASSWORD = "a long enough secret"


def admin(email):
    return db.session.scalar(select(Admin).where(Admin.email == email))


def test_create_a_superadmin_from_stdin(runner):
    result = runner.invoke(args=["admins", "create", "Boss@Example.org", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Superadmin boss@example.org created" in result.output
    created = admin("boss@example.org")
    assert created.is_superadmin and created.sites == []
    assert created.password_hash.startswith("scrypt:")
    assert PASSWORD not in created.password_hash


def test_create_a_moderator_of_some_sites(runner, site, other_site):
    result = runner.invoke(args=["admins", "create", "mod@example.org", "--password-stdin",
                                 "--site", site.key, "--site", other_site.key], input=PASSWORD)
    assert result.exit_code == 0, result.output
    assert f"Moderator mod@example.org created for: Blog ({site.key}), Other" in result.output
    created = admin("mod@example.org")
    assert not created.is_superadmin
    assert [s.id for s in created.sites] == [site.id, other_site.id]


def test_the_password_is_asked_twice_when_not_piped(runner):
    result = runner.invoke(args=["admins", "create", "boss@example.org"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert admin("boss@example.org") is not None


def test_mismatched_confirmation_asks_again(runner):
    result = runner.invoke(args=["admins", "create", "boss@example.org"],
                           input=f"{PASSWORD}\nsomething else\n")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert admin("boss@example.org") is None


def test_refusals_are_clear_and_create_nothing(runner, site):
    cases = [
        (["boss@example.org", "--password-stdin"], "short\n", "at least 10 characters"),
        (["boss@example.org", "--password-stdin"], "\n", "No password on standard input."),
        (["not-an-email", "--password-stdin"], PASSWORD, "is not a valid email address"),
        (["boss@example.org", "--password-stdin", "--site", "nope"], PASSWORD,
         "No site has the key “nope”"),
    ]
    for args, stdin, message in cases:
        result = runner.invoke(args=["admins", "create", *args], input=stdin)
        assert result.exit_code != 0
        assert message in result.output
    assert db.session.scalar(select(Admin)) is None


def test_an_email_is_used_once(runner):
    args = ["admins", "create", "boss@example.org", "--password-stdin"]
    assert runner.invoke(args=args, input=PASSWORD).exit_code == 0
    result = runner.invoke(args=["admins", "create", "BOSS@example.org", "--password-stdin"],
                           input=PASSWORD)
    assert result.exit_code == 1
    assert "exists already" in result.output


def test_password_and_list(runner, site):
    runner.invoke(args=["admins", "create", "boss@example.org", "--password-stdin"], input=PASSWORD)
    runner.invoke(args=["admins", "create", "mod@example.org", "--password-stdin",
                        "--site", site.key], input=PASSWORD)
    old_hash = admin("boss@example.org").password_hash
    result = runner.invoke(args=["admins", "password", "boss@example.org", "--password-stdin"],
                           input="another long secret")
    assert result.exit_code == 0
    db.session.expire_all()
    assert admin("boss@example.org").password_hash != old_hash
    listing = runner.invoke(args=["admins", "list"]).output
    assert "boss@example.org\tsuperadmin" in listing
    assert f"mod@example.org\tmoderator of {site.key}" in listing
    missing = runner.invoke(args=["admins", "password", "who@example.org", "--password-stdin"],
                            input=PASSWORD)
    assert missing.exit_code == 1 and "There is no admin" in missing.output
