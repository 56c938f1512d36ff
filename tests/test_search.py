"""CO-11 global search: folding variants and Latin spellings find each other, every result and
every count stays within the actor's scope, the ledger is searched only by auditors (and that
search is itself on the ledger), the index follows the services and can be rebuilt."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dalil.accounts import services
from dalil.accounts.models import User
from dalil.audit.models import Entry
from dalil.search import indexing, registry
from dalil.search.models import SearchEntry
from dalil.search.query import MAX_QUERY, PER_SOURCE, parse, run

pytestmark = pytest.mark.django_db

URL = reverse("search:results")


def found(actor, text, key="accounts.user"):
    """Labels found for `text` in one source, through the same code path as the page."""
    parsed = parse(text)
    assert parsed.query is not None, parsed.error
    groups = {g.key: g for g in run(actor, parsed.query).groups}
    return [h.label for h in groups[key].hits] if key in groups else []


def codes(actor, text, key):
    groups = {g.key: g for g in run(actor, parse(text).query).groups}
    return [h.code for h in groups[key].hits] if key in groups else []


def count_of(actor, text, key="accounts.user"):
    groups = {g.key: g for g in run(actor, parse(text).query).groups}
    return groups[key].count if key in groups else 0


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """These tests create many users; password hashing strength is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin(make_user):
    return make_user("admin", unit="MOI", role="system_admin")


# --- Arabic folding and transliteration --------------------------------------------------------
@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("أحمد جاسم", "احمد"),
        ("احمد جاسم", "أحمد"),
        ("إبراهيم خليل", "ابراهيم"),
        ("آمنة سعيد", "امنه"),
        ("علي حسين", "على"),
        ("كريم عباس", "کریم"),
        ("مصطفى ناظم", "مصطفي"),
        ("مُحَمَّد رضا", "محمد"),
        ("مـحـمـد رضا", "محمد"),
        ("فاطمه كاظم", "فاطمة"),
        ("هدى جاسم", "هدي"),
        ("مسؤول ١٢٣", "مسوول 123"),
    ],
)
def test_arabic_spelling_variants_find_each_other(admin, make_user, stored, typed):
    make_user("target", unit="BGD-KARADA", full_name=stored)
    assert found(admin, typed) == [stored]


def test_a_school_unit_is_found_with_or_without_taa_marbuta(admin, tree):
    services.unit_update(actor=admin, unit=tree["BGD-KARADA"], name_ar="مدرسة الشرطة")
    assert found(admin, "مدرسه", "accounts.unit") == ["مدرسة الشرطة"]
    services.unit_update(actor=admin, unit=tree["BGD-KARADA"], name_ar="مدرسه الشرطه")
    assert found(admin, "مدرسة الشرطة", "accounts.unit") == ["مدرسه الشرطه"]


def test_a_different_name_is_not_found_by_a_similar_one(admin, make_user):
    make_user("ahmed", full_name="أحمد جاسم")
    make_user("mohammed", full_name="محمد جاسم")
    assert found(admin, "محمد") == ["محمد جاسم"]
    assert found(admin, "احمد") == ["أحمد جاسم"]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("حيدر عبد الأمير", "Haider"),
        ("حيدر عبد الأمير", "hayder"),
        ("أحمد كاظم", "ahmad"),
        ("أحمد كاظم", "Ahmed Kadhim"),
        ("محمد رضا", "Mohammed"),
        ("زينب حسن", "Zainab"),
        ("فاطمة علي", "Fatima"),
    ],
)
def test_a_latin_spelling_finds_an_arabic_name_through_the_transliteration_key(
    admin, make_user, stored, typed
):
    make_user("target", full_name=stored)  # no Latin name stored
    assert found(admin, typed) == [stored]


def test_a_latin_spelling_does_not_find_an_unrelated_arabic_name(admin, make_user):
    make_user("haider", full_name="حيدر الموسوي")
    make_user("karim", full_name="كريم الزبيدي")
    assert found(admin, "Haider") == ["حيدر الموسوي"]
    assert found(admin, "Karim") == ["كريم الزبيدي"]


def test_an_arabic_query_finds_a_name_stored_only_in_latin_letters(admin, make_user):
    make_user("donor", full_name="Sarah Williams")
    assert found(admin, "سارة") == ["Sarah Williams"]


def test_every_word_of_the_query_must_match(admin, make_user):
    make_user("a", full_name="علي حسين الربيعي")
    make_user("b", full_name="علي كاظم الساعدي")
    assert found(admin, "علي الربيعي") == ["علي حسين الربيعي"]
    assert sorted(found(admin, "علي")) == ["علي حسين الربيعي", "علي كاظم الساعدي"]


def test_units_are_found_by_code_and_users_by_user_name_and_badge(admin, make_user):
    make_user("investigator.karada", full_name="حيدر", badge_number="BG-3321")
    assert codes(admin, "karada", "accounts.unit") == ["BGD-KARADA"]
    assert codes(admin, "bgd", "accounts.unit") == ["BGD-POL", "BGD-KARADA", "BGD-MANSOUR"]
    assert found(admin, "investigator.kar") == ["حيدر"]
    assert found(admin, "bg-3321") == ["حيدر"]
    assert found(admin, "BG-٣٣٢١") == ["حيدر"]


# --- Scope ---------------------------------------------------------------------------------------
def test_an_investigator_gets_nothing_and_no_count_for_a_name_only_in_another_station(
    make_user, client_for
):
    make_user(
        "other", unit="BGD-MANSOUR", full_name="ناظم الفلاحي", full_name_latin="Nadhim al-Fallahi"
    )
    me = make_user("inv", unit="BGD-KARADA", role="investigator")
    for text in ["ناظم", "Nadhim", "الفلاحي", "other", "BGD-MANSOUR", "MANSOUR"]:
        assert run(me, parse(text).query).groups == [], text
    response = client_for(me).get(URL, {"q": "ناظم"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "ناظم الفلاحي" not in body and "data-count" not in body
    assert "search-empty" in body


def test_an_investigator_finds_their_own_unit_and_themselves(make_user):
    me = make_user("inv", unit="BGD-KARADA", role="investigator", full_name="حيدر الموسوي")
    make_user("colleague", unit="BGD-KARADA", full_name="حيدر الكعبي")  # users: not theirs to see
    assert codes(me, "karada", "accounts.unit") == ["BGD-KARADA"]
    assert codes(me, "bgd", "accounts.unit") == ["BGD-KARADA"]  # not BGD-POL, not BGD-MANSOUR
    assert found(me, "حيدر") == ["حيدر الموسوي"]
    assert count_of(me, "حيدر") == 1


def test_a_commander_counts_only_the_users_of_their_own_station(make_user):
    me = make_user("cmd", unit="BGD-KARADA", role="commander", full_name="قائد")
    make_user("k1", unit="BGD-KARADA", full_name="سعد الجبوري")
    make_user("m1", unit="BGD-MANSOUR", full_name="سعد الجبوري")
    make_user("m2", unit="BGD-MANSOUR", full_name="سعد التميمي")
    assert count_of(me, "سعد") == 1
    assert found(me, "سعد") == ["سعد الجبوري"]


def test_an_administrator_finds_users_across_the_ministry(admin, make_user):
    for username, unit in [
        ("a", "BGD-KARADA"),
        ("b", "BGD-MANSOUR"),
        ("c", "BSR-ASHAR"),
        ("d", "MOI-IA"),
    ]:
        make_user(username, unit=unit, full_name=f"حسن {username}")
    assert count_of(admin, "حسن") == 4
    units = {User.objects.get(full_name=label).unit.code for label in found(admin, "حسن")}
    assert units == {"BGD-KARADA", "BGD-MANSOUR", "BSR-ASHAR", "MOI-IA"}


def test_a_user_without_any_role_finds_only_themselves(make_user):
    me = make_user("norole", unit="BGD-KARADA", full_name="علي النكرة")
    make_user("x", unit="BGD-KARADA", full_name="علي الآخر")
    assert run(me, parse("علي").query).groups[0].count == 1
    assert found(me, "karada", "accounts.unit") == []


# --- The ledger ----------------------------------------------------------------------------------
@pytest.fixture
def auditor(make_user):
    return make_user("auditor", unit="MOI", role="auditor")


def test_an_auditor_finds_ledger_entries_by_number_hash_prefix_and_user_name(auditor, make_user):
    make_user("subject", full_name="موضوع")
    entry = Entry.objects.filter(
        action="accounts.user_created", target_label__startswith="موضوع"
    ).get()
    by_seq = run(auditor, parse(str(entry.seq)).query, only="audit.entry").groups
    assert any(h.code.startswith(f"#{entry.seq} ") for h in by_seq[0].hits)
    by_arabic_digits = run(
        auditor,
        parse("#" + str(entry.seq).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))).query,
        only="audit.entry",
    ).groups
    assert by_arabic_digits[0].hits[0].code.startswith(f"#{entry.seq} ")
    by_hash = run(auditor, parse(entry.hash[:8].upper()).query, only="audit.entry").groups
    assert [h.code for h in by_hash[0].hits] == [f"#{entry.seq} {entry.hash[:12]}"]
    services.user_set_language(actor=auditor, language="en")
    by_name = run(auditor, parse("auditor").query, only="audit.entry").groups
    assert by_name[0].count == Entry.objects.filter(actor="auditor").count() == 1
    by_system = run(auditor, parse("system:cli:test").query, only="audit.entry").groups
    assert by_system[0].count == Entry.objects.filter(actor="system:cli:test").count() > 0


def test_a_ledger_search_is_itself_on_the_ledger_and_finds_an_actors_entries(
    auditor, make_user, client_for
):
    subject = make_user("subject", unit="BGD-KARADA", role="commander")
    services.user_set_language(actor=subject, language="en")  # an entry by the subject
    before = Entry.objects.count()
    response = client_for(auditor).get(URL, {"q": "subject"})
    assert response.status_code == 200
    viewed = Entry.objects.filter(seq__gt=before)
    assert list(viewed.values_list("action", "actor")) == [("audit.ledger_viewed", "auditor")]
    assert '"search":"subject"' in viewed.get().payload
    mine = Entry.objects.get(actor="subject")
    assert f"#{mine.seq} {mine.hash[:12]}" in response.content.decode()


def test_a_short_hash_prefix_or_a_plain_word_does_not_search_the_ledger(auditor, make_user):
    make_user("subject", full_name="موضوع")
    entry = Entry.objects.order_by("-seq").first()
    before = Entry.objects.count()
    assert run(auditor, parse(entry.hash[:7] + "z").query, only="audit.entry").read_actions == []
    assert run(auditor, parse("موضوع").query, only="audit.entry").read_actions == []
    assert Entry.objects.count() == before


def test_only_auditors_can_search_the_ledger(admin, auditor, client_for):
    entry = Entry.objects.order_by("-seq").first()
    assert run(admin, parse(str(entry.seq)).query).read_actions == []
    assert "audit.entry" not in {g.key for g in run(admin, parse(entry.hash[:10]).query).groups}
    before = Entry.objects.count()
    body = client_for(admin).get(URL, {"q": entry.hash[:10]}).content.decode()
    assert 'data-group="audit.entry"' not in body and entry.hash[:12] not in body
    assert Entry.objects.count() == before  # an ordinary search is not a sensitive read
    body = client_for(auditor).get(URL, {"q": entry.hash[:10]}).content.decode()
    assert 'data-group="audit.entry"' in body and entry.hash[:12] in body
    assert Entry.objects.count() == before + 1


def test_an_ordinary_search_writes_nothing_to_the_ledger(admin, make_user, client_for):
    make_user("x", full_name="علي")
    before = Entry.objects.count()
    response = client_for(admin).get(URL, {"q": "علي"})
    assert response.status_code == 200 and "علي" in response.content.decode()
    assert Entry.objects.count() == before


# --- The index ---------------------------------------------------------------------------------
def test_the_index_follows_a_name_change_made_through_the_service(admin, make_user):
    user = make_user("renamed", full_name="كريم عباس")
    assert found(admin, "كريم") == ["كريم عباس"]
    services.user_update(
        actor=admin, user=user, full_name="سلام عباس", full_name_latin="Salam Abbas"
    )
    assert found(admin, "كريم") == []
    assert found(admin, "سلام") == ["سلام عباس"]
    assert found(admin, "salam") == ["سلام عباس"]
    assert (
        SearchEntry.objects.filter(content_type__model="user", object_id=str(user.pk)).count() == 1
    )


def test_a_unit_rename_is_searchable_at_once(admin, tree):
    services.unit_update(actor=admin, unit=tree["BSR-ASHAR"], name_ar="مركز شرطة العشار")
    assert found(admin, "العشار", "accounts.unit") == ["مركز شرطة العشار"]


def test_reindex_rebuilds_a_lost_or_stale_index_and_is_on_the_ledger(admin, make_user, tree):
    make_user("x", full_name="حيدر")
    SearchEntry.objects.all().delete()
    assert found(admin, "حيدر") == []
    assert indexing.missing()["accounts.user"] == User.objects.count()
    out = io.StringIO()
    call_command("search", "status", stdout=out)
    assert "accounts.user: 2 missing" in out.getvalue()
    out = io.StringIO()
    call_command("search", "reindex", stdout=out)
    assert found(admin, "حيدر") == ["حيدر"]
    assert f"accounts.unit: {len(tree)} indexed" in out.getvalue()
    assert set(indexing.missing().values()) == {0}
    last = Entry.objects.order_by("-seq").first()
    assert (last.action, last.actor) == ("search.reindexed", "system:cli:search")


def test_reindex_drops_entries_of_records_that_no_longer_exist(admin, tree):
    stale = SearchEntry.objects.first()
    SearchEntry.objects.create(
        content_type=stale.content_type,
        object_id="999999",
        folded="شبح",
        latin=" sbh ",
        updated=stale.updated,
    )
    call_command("search", "reindex", stdout=io.StringIO())
    assert not SearchEntry.objects.filter(object_id="999999").exists()


def test_indexing_a_model_that_is_not_registered_is_an_error(tree):
    from dalil.access.models import Role

    with pytest.raises(LookupError):
        indexing.index(Role.objects.first())


def test_a_model_cannot_be_registered_twice():
    with pytest.raises(ValueError):
        registry.register(User, fields=["username"], label=str, url=str)


def test_the_demo_indexes_everything_and_repairs_a_missing_index(django_db_blocker):
    call_command("demo", stdout=io.StringIO())
    assert set(indexing.missing().values()) == {0}
    SearchEntry.objects.all().delete()
    call_command("demo", stdout=io.StringIO())
    assert set(indexing.missing().values()) == {0}
    inv = User.objects.get(username="investigator.karada")
    assert found(inv, "Haider") == ["النقيب حيدر عبد الأمير الموسوي"]
    assert found(inv, "Sara") == []  # investigator.mansour is another station's


# --- The page and bad input ----------------------------------------------------------------------
def test_results_are_grouped_with_links_and_the_query_stays_in_the_box(
    admin, make_user, client_for
):
    make_user("haider", unit="BGD-KARADA", full_name="حيدر الموسوي")
    body = client_for(admin).get(URL, {"q": "Haider"}).content.decode()
    assert 'value="Haider"' in body
    assert 'data-group="accounts.user"' in body
    assert f'href="{reverse("admin:user_detail", args=["haider"])}"' in body
    assert "<bdi>حيدر الموسوي</bdi>" in body


def test_more_results_are_paged_per_model(admin, make_user, client_for):
    for i in range(PER_SOURCE + 3):
        make_user(f"u{i:02d}", unit="BGD-KARADA", full_name="جعفر", mfa=False)
    client = client_for(admin)
    body = client.get(URL, {"q": "جعفر"}).content.decode()
    assert body.count("<bdi>جعفر</bdi>") == PER_SOURCE
    assert "type=accounts.user" in body
    body = client.get(URL, {"q": "جعفر", "type": "accounts.user", "page": "2"}).content.decode()
    assert body.count("<bdi>جعفر</bdi>") == 3
    body = client.get(
        URL, {"q": "جعفر", "type": "accounts.user", "page": "nonsense"}
    ).content.decode()
    assert body.count("<bdi>جعفر</bdi>") == PER_SOURCE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", lambda: _("Type a name, a code or a number to search.")),
        ("   \u200f ", lambda: _("Type a name, a code or a number to search.")),
        (
            "ح" * 10_000,
            lambda: _("The search is too long: use at most %(n)d characters.") % {"n": 200},
        ),
        (
            " ".join(["علي"] * 3 + [f"w{i}" for i in range(9)]),
            lambda: _("Use at most %(n)d words.") % {"n": 8},
        ),
    ],
)
def test_bad_input_gets_a_message_and_no_error(admin, client_for, text, message):
    before = Entry.objects.count()
    response = client_for(admin).get(URL, {"q": text})  # the admin's language: Arabic
    assert response.status_code == 200
    with translation.override("ar"):
        assert message() in response.content.decode()
    assert Entry.objects.count() == before


def test_bidi_controls_in_the_query_are_ignored_with_a_notice(admin, make_user, client_for):
    make_user("x", full_name="أحمد")
    assert parse("\u202eأحمد\u2066").query.words == ("احمد",)
    body = client_for(admin).get(URL, {"q": "\u202eأحمد"}).content.decode()
    with translation.override("ar"):
        assert _("Invisible direction-control characters in your search were ignored.") in body
    assert "<bdi>أحمد</bdi>" in body


def test_control_characters_in_the_query_separate_words_on_both_databases(
    admin, make_user, client_for
):
    make_user("x", full_name="أحمد جاسم")
    assert parse("أحمد\x00جاسم\n").query.words == ("احمد", "جاسم")
    response = client_for(admin).get(URL, {"q": "\x00أحمد\x00"})
    assert response.status_code == 200 and "<bdi>أحمد جاسم</bdi>" in response.content.decode()
    assert parse("\x00\t").query is None


def test_the_limit_is_checked_before_any_normalisation():
    assert parse("x" * (MAX_QUERY + 1)).query is None
    assert parse("x" * MAX_QUERY).query is not None


def test_an_unknown_group_is_ignored_and_the_search_is_signed_in_only(
    admin, make_user, client_for, client
):
    make_user("x", full_name="أحمد")
    body = client_for(admin).get(URL, {"q": "أحمد", "type": "nope.nothing"}).content.decode()
    assert "<bdi>أحمد</bdi>" in body
    response = client.get(URL, {"q": "أحمد"})
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not re.search("أحمد", response.content.decode())
