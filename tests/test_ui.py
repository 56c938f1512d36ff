"""The interface shell (issue #4, CO-6 and UI shell): digits and dates per user, My preferences,
the navbar language switcher, breadcrumbs, confirmation dialogs, and the list pages (units, users,
ledger) with django-filter filters, sortable headers, the count, pagination keeping the filters and
htmx swapping only the table."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from dalil.accounts import services
from dalil.accounts.models import User
from dalil.audit.models import Entry
from dalil.audit.testing import entries_since, last_seq
from dalil.ui import formatting

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _text(lang: str, message: str) -> str:
    with translation.override(lang):
        return escape(gettext(message))


# --- Numbers and moments -----------------------------------------------------------------------------
MIDNIGHT_IN_BAGHDAD = dt.datetime(
    2026, 3, 1, 21, 30, 5, tzinfo=dt.UTC
)  # 00:30:05 on 2 March in Baghdad


@pytest.mark.parametrize(
    ("lang", "style", "expected"),
    [
        ("ar", "latn", "1,234,567.5"),
        ("ar", "arab", "١٬٢٣٤٬٥٦٧٫٥"),
        ("ckb", "arab", "١٬٢٣٤٬٥٦٧٫٥"),
        ("en", "latn", "1,234,567.5"),
    ],
)
def test_a_number_is_grouped_and_written_in_the_chosen_digits(lang, style, expected):
    with translation.override(lang):
        assert formatting.number(1234567.5, style, decimals=1) == expected


@pytest.mark.parametrize(
    ("lang", "style", "expected"),
    [
        ("ar", "latn", "02/03/2026 00:30"),
        ("ar", "arab", "٠٢/٠٣/٢٠٢٦ ٠٠:٣٠"),
        ("ckb", "latn", "2026/03/02 00:30"),
        ("ckb", "arab", "٢٠٢٦/٠٣/٠٢ ٠٠:٣٠"),
        ("en", "latn", "2026-03-02 00:30"),
    ],
)
def test_a_moment_stored_in_utc_is_shown_in_baghdad_time_per_language(lang, style, expected):
    with translation.override(lang):
        assert formatting.moment(MIDNIGHT_IN_BAGHDAD, style) == expected


def test_the_template_tags_follow_the_digits_in_the_context_and_mark_up_the_moment():
    template = Template(
        '{% load dalil %}{% num n %}|{% when t "seconds" %}|{{ code|digits:"latn" }}'
    )
    with translation.override("ar"):
        arabic = template.render(
            Context({"n": 2026, "t": MIDNIGHT_IN_BAGHDAD, "code": "BGD-12", "digits": "arab"})
        )
        latin = template.render(Context({"n": 2026, "t": MIDNIGHT_IN_BAGHDAD, "code": "BGD-12"}))
    assert (
        arabic
        == '٢٬٠٢٦|<time datetime="2026-03-02T00:30:05+03:00">٠٢/٠٣/٢٠٢٦ ٠٠:٣٠:٠٥</time>|BGD-12'
    )
    assert (
        latin
        == '2,026|<time datetime="2026-03-02T00:30:05+03:00">02/03/2026 00:30:05</time>|BGD-12'
    )


# --- My preferences ---------------------------------------------------------------------------------------
def test_a_user_chooses_arabic_indic_digits_and_the_home_page_uses_them_but_codes_stay_latin(
    make_user, client_for
):
    user = make_user("digits.user", full_name="مستخدم الأرقام")
    client = client_for(user)
    since = last_seq()

    response = client.post(reverse("ui:preferences"), {"language": "ar", "digits": "arab"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.digits == "arab"
    entries = entries_since(since)
    assert [e.action for e in entries] == ["accounts.user_changed"]
    assert json.loads(entries[0].payload)["changes"] == {"digits": ["latn", "arab"]}
    assert entries[0].target_id == str(user.pk) and entries[0].actor_id == user.pk

    home = client.get(reverse("ui:home")).content.decode()
    times = re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", home)
    assert times, "the home page shows moments"
    assert all(re.search("[٠-٩]", t) and not re.search("[0-9]", t) for t in times), times
    assert f'<bdi dir="ltr">{user.username}</bdi>' in home
    assert '<bdi dir="ltr" class="text-muted small">BGD-KARADA</bdi>' in home


def test_saving_unchanged_preferences_writes_nothing_to_the_ledger(make_user):
    user = make_user("same.prefs")
    since = last_seq()
    services.user_set_preferences(actor=user, language="ar", digits="latn")
    assert entries_since(since) == []


def test_an_unknown_digit_style_is_refused_with_a_translated_message_and_changes_nothing(
    make_user, client_for
):
    user = make_user("bad.prefs", language="en")
    client = client_for(user)
    since = last_seq()

    response = client.post(reverse("ui:preferences"), {"language": "en", "digits": "roman"})

    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    user.refresh_from_db()
    assert user.digits == "latn" and entries_since(since) == []
    with pytest.raises(ValidationError) as err:
        services.user_set_preferences(actor=user, language="en", digits="roman")
    with translation.override("en"):
        assert "Choose one of the offered digit styles." in err.value.messages
    assert entries_since(since) == []


def test_changing_the_language_on_my_preferences_switches_the_page_to_sorani(make_user, client_for):
    user = make_user("to.sorani")
    client = client_for(user)
    response = client.post(
        reverse("ui:preferences"), {"language": "ckb", "digits": "latn"}, follow=True
    )
    page = response.content.decode()
    assert '<html lang="ckb" dir="rtl">' in page
    assert _text("ckb", "Your preferences have been saved.") in page
    user.refresh_from_db()
    assert user.language == "ckb"


# --- The shell: navbar switcher, breadcrumbs, confirmation dialogs, fonts -----------------------------------
def test_a_signed_in_user_switches_language_from_the_navbar_and_keeps_it(make_user, client_for):
    user = make_user("nav.switch")
    client = client_for(user)
    home = client.get(reverse("ui:home")).content.decode()
    switcher = re.search(r'<li class="nav-item dropdown" id="nav-language">(.*?)</li>', home, re.S)
    assert switcher, "the language switcher sits in the navigation bar"
    buttons = re.findall(r'<button[^>]*name="language" value="(\w+)"', switcher.group(1))
    assert buttons == ["ar", "ckb", "en"]
    assert f'action="{reverse("ui:language")}"' in switcher.group(1)

    response = client.post(
        reverse("ui:language"), {"language": "en", "next": "/admin/units/"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/admin/units/"
    assert '<html lang="en" dir="ltr">' in response.content.decode()
    user.refresh_from_db()
    assert user.language == "en"


def test_list_pages_show_breadcrumbs_and_the_base_page_holds_the_confirmation_dialog(
    make_user, client_for
):
    admin = make_user("crumbs.admin", unit="MOI", role="system_admin", language="en")
    page = client_for(admin).get(reverse("admin:unit_list")).content.decode()
    crumbs = re.search(r'<ol class="breadcrumb[^"]*">(.*?)</ol>', page, re.S)
    assert (
        crumbs and 'href="/"' in crumbs.group(1) and 'aria-current="page">Units<' in crumbs.group(1)
    )
    assert 'id="confirm-dialog"' in page and 'id="confirm-ok"' in page


def test_irreversible_actions_declare_their_confirmation_and_the_script_opens_a_modal(
    make_user, client_for
):
    from django.contrib.staticfiles import finders

    admin = make_user("confirm.admin", unit="MOI", role="system_admin", language="en")
    target = make_user("confirm.target", role="investigator")
    page = (
        client_for(admin).get(reverse("admin:user_detail", args=[target.username])).content.decode()
    )
    revoke = re.search(
        r'<form method="post" action="/admin/assignments/\d+/revoke/" data-confirm="([^"]+)"', page
    )
    assert revoke and revoke.group(1) == _text("en", "Withdraw this role?")
    script = Path(finders.find("ui/dalil.js")).read_text(encoding="utf-8")
    assert "bootstrap.Modal.getOrCreateInstance" in script and "data-confirm" in script
    # Without JavaScript the form is a plain POST form: it still works (the server does the work).
    assert 'type="submit"' in page[revoke.end() : revoke.end() + 400]


def test_the_vazirmatn_font_is_served_from_our_own_host(client):
    from django.contrib.staticfiles import finders

    css = Path(finders.find("ui/fonts.css")).read_text(encoding="utf-8")
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert len(urls) == 3 and all(u.startswith("../vendor/vazirmatn-33.0.3/") for u in urls)
    for url in urls:
        path = finders.find("ui/" + url)
        assert path, url
        assert Path(path).read_bytes()[:4] == b"wOF2"
    assert finders.find("vendor/vazirmatn-33.0.3/OFL.txt")


def test_pages_carry_the_django_csp_policy_without_inline_code(make_user, client_for, settings):
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    response = client_for(make_user("csp.user")).get(reverse("ui:home"))
    policy = dict(
        (d.split()[0], d.split()[1:])
        for d in response["Content-Security-Policy"].split(";")
        if d.strip()
    )
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


# --- Lists: filters, sorting, count, pagination, htmx -----------------------------------------------------
def _codes(page: str) -> list[str]:
    return re.findall(r'href="/admin/units/([A-Z0-9-]+)/"', page)


def test_the_unit_list_filters_by_kind_and_sorts_by_clicking_the_code_header(
    make_user, client_for, tree
):
    admin = make_user("list.admin", unit="MOI", role="system_admin", language="en")
    client = client_for(admin)

    stations = client.get(reverse("admin:unit_list"), {"kind": "station"}).content.decode()
    assert sorted(_codes(stations)) == ["BGD-KARADA", "BGD-MANSOUR", "BSR-ASHAR"]
    assert re.search(r'id="list-count">3 records<', stations)
    header = re.search(
        r'<th scope="col" class="sortable" aria-sort="none"><a href="([^"]+)"[^>]*>Code', stations
    )
    assert header, "the code column header is a sort link"
    link = header.group(1).replace("&amp;", "&")
    assert "kind=station" in link and "sort=code" in link

    ascending = client.get(reverse("admin:unit_list") + link).content.decode()
    assert _codes(ascending) == ["BGD-KARADA", "BGD-MANSOUR", "BSR-ASHAR"]
    assert 'aria-sort="ascending"' in ascending
    flipped = (
        re.search(r'aria-sort="ascending"><a href="([^"]+)"', ascending)
        .group(1)
        .replace("&amp;", "&")
    )
    assert "sort=-code" in flipped
    descending = client.get(reverse("admin:unit_list") + flipped).content.decode()
    assert _codes(descending) == ["BSR-ASHAR", "BGD-MANSOUR", "BGD-KARADA"]


def test_a_filter_change_from_htmx_gets_only_the_table_and_a_plain_request_the_whole_page(
    make_user, client_for, tree
):
    admin = make_user("htmx.admin", unit="MOI", role="system_admin", language="en")
    client = client_for(admin)

    partial = client.get(
        reverse("admin:unit_list"), {"governorate": tree["BSR-POL"].governorate_id}, **HX
    )
    body = partial.content.decode()
    assert partial.status_code == 200 and "HX-Request" in partial["Vary"]
    assert body.lstrip().startswith('<div id="list-table"') and "<html" not in body
    assert sorted(_codes(body)) == ["BSR-ASHAR", "BSR-POL"]
    # The sort order travels with the filter form although the form is outside the table.
    assert '<input type="hidden" name="sort" value="" form="list-filters">' in body

    full = client.get(reverse("admin:unit_list"), {"governorate": tree["BSR-POL"].governorate_id})
    page = full.content.decode()
    assert "<html" in page and 'id="list-filters"' in page and 'hx-push-url="true"' in page
    assert sorted(_codes(page)) == ["BSR-ASHAR", "BSR-POL"]


def test_pagination_keeps_the_filters_and_the_sort_order(make_user, client_for, tree, operator):
    admin = make_user("pages.admin", unit="MOI", role="system_admin", language="en")
    actor = operator
    for i in range(52):
        services.unit_create(
            actor=actor,
            parent=tree["BGD-POL"],
            code=f"BGD-S{i:02d}",
            kind="station",
            name_ar=f"مخفر {i}",
        )
    client = client_for(admin)

    first = client.get(
        reverse("admin:unit_list"), {"kind": "station", "sort": "-code"}
    ).content.decode()
    assert re.search(r'id="list-count">55 records<', first)
    assert len(_codes(first)) == 50
    nxt = re.search(r'<a class="page-link" href="([^"]+)" hx-get="[^"]+" rel="next">', first)
    assert nxt
    url = nxt.group(1).replace("&amp;", "&")
    assert "kind=station" in url and "sort=-code" in url and url.endswith("page=2")
    second = client.get(reverse("admin:unit_list") + url, **HX).content.decode()
    codes = sorted(
        [f"BGD-S{i:02d}" for i in range(52)] + ["BGD-KARADA", "BGD-MANSOUR", "BSR-ASHAR"],
        reverse=True,
    )
    assert _codes(first) == codes[:50]
    assert _codes(second) == codes[50:]


def test_the_user_list_offers_only_units_in_scope_and_filters_locked_users(
    make_user, client_for, tree
):
    commander = make_user("cmd.karada", role="commander", language="en")
    locked = make_user("locked.one")
    make_user("free.one")
    make_user("officer.mansour", unit="BGD-MANSOUR")
    User.objects.filter(pk=locked.pk).update(locked_at=MIDNIGHT_IN_BAGHDAD)
    client = client_for(commander)

    page = client.get(reverse("admin:user_list")).content.decode()
    unit_select = re.search(r'<select name="unit"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert str(tree["BGD-KARADA"].pk) in unit_select
    assert f'value="{tree["BGD-MANSOUR"].pk}"' not in unit_select
    assert "officer.mansour" not in page

    only_locked = client.get(reverse("admin:user_list"), {"state": "locked"}, **HX).content.decode()
    assert "locked.one" in only_locked and "free.one" not in only_locked
    # A unit outside the reader's scope is not a valid choice: the filter is ignored, nothing leaks.
    outside = client.get(
        reverse("admin:user_list"), {"unit": tree["BGD-MANSOUR"].pk}
    ).content.decode()
    assert "officer.mansour" not in outside


def test_the_ledger_filters_by_action_sorts_by_actor_and_ledgers_the_reading(
    make_user, client_for, tree
):
    auditor = make_user("ledger.auditor", unit="MOI", role="auditor", language="en")
    client = client_for(auditor)

    response = client.get(
        reverse("audit:ledger"), {"action": "accounts.unit_created", "sort": "actor"}, **HX
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="list-table"')
    shown = Entry.objects.filter(action="accounts.unit_created").count()
    assert shown == len(tree)
    assert re.search(rf'id="list-count">{shown} records<', body)
    assert body.count("<tr>") == shown + 1  # the header row and one row per entry
    viewed = Entry.objects.filter(action="audit.ledger_viewed", actor_id=auditor.pk).latest("seq")
    assert json.loads(viewed.payload) == {"action": "accounts.unit_created"}

    page = client.get(reverse("audit:ledger"), {"actor_name": "nobody-like-this"}).content.decode()
    assert _text("en", "No entries match these filters.") in page
    assert 'id="list-filters"' in page and 'id="id_actor_name"' in page


# --- The navigation bar's groups ----------------------------------------------------------------
def test_the_bar_folds_a_group_of_two_or_more_and_leaves_a_lone_entry_a_link(make_user):
    from dalil.access.roles import ROLES
    from dalil.ui import nav

    investigator = make_user("nav.inv", role="investigator", language="en")
    bar = nav.bar_for(investigator, current="cases:list")
    groups = {b["group"]: b for b in bar if b.get("entries")}
    names = {g: [i["name"] for i in b["entries"]] for g, b in groups.items()}
    assert names["investigations"][:3] == ["cases:list", "judicial:requests", "detention:list"]
    assert "parties:list" in names["investigations"]
    assert names["work"] == ["mywork:tasks", "detention:alerts", "evidence:awaiting"]
    donor = make_user("nav.donor", unit="MOI", role="donor_officer", at="MOI", language="en")
    assert "evidence:awaiting" not in [i["name"] for i in nav.items_for(donor)]
    assert groups["investigations"]["active"] and not groups["work"]["active"]
    # Every entry the user may open is still in the bar, once.
    flat = [i["name"] for b in bar for i in (b.get("entries") or [b])]
    assert sorted(flat) == sorted(i["name"] for i in nav.items_for(investigator))
    # A group the user sees one entry of is a plain link: the IA investigator's referrals.
    ia = make_user("nav.ia", unit="MOI-IA", role="ia_investigator", at="MOI-IA", language="en")
    ia_bar = nav.bar_for(ia)
    lone = [b for b in ia_bar if b.get("name") == "detention:referral_list"]
    assert lone and not lone[0].get("entries")
    # No role sees more than seven top-level entries (one line at 1366 px).
    for code in ROLES:
        user = make_user(f"nav.{code}"[:30], role=code, language="en")
        assert len(nav.bar_for(user)) <= 7, (code, [b["label"] for b in nav.bar_for(user)])


def test_a_group_carries_the_sum_of_its_badges_on_every_page(make_user, client_for):
    investigator = make_user("nav.badge", role="investigator", language="en")
    from dalil import nav

    counted = [
        nav.NavItem("mywork:tasks", "t", (), count=lambda u: 2, group="work"),
        nav.NavItem("detention:alerts", "a", (), count=lambda u: 3, group="work"),
    ]
    saved = list(nav.ITEMS)
    nav.ITEMS[:] = [i for i in saved if i.group != "work"] + counted
    try:
        page = client_for(investigator).get("/").content.decode()
    finally:
        nav.ITEMS[:] = saved
    # Groups are drop-downs, the other entries plain links (no empty group ever rendered).
    assert 'id="nav-group-investigations"' in page and 'id="nav-group-"' not in page
    assert '<a class="nav-link" href="/jobs/">' in page
    toggle = page.split('id="nav-group-work"')[1].split("</button>")[0]
    assert re.search(r'<span class="badge[^"]*">5<', toggle), toggle
    assert 'href="/my/tasks/">t <span class="badge' in page


def test_the_badges_are_counted_once_per_page_even_where_the_page_shows_the_menu_twice(
    make_user, client_for
):
    """The home page lists the main menu as shortcuts besides the bar: one count per badge."""
    investigator = make_user("nav.once", role="investigator", language="en")
    from dalil import nav

    calls: list[int] = []

    def count(user) -> int:
        calls.append(user.pk)
        return 4

    saved = list(nav.ITEMS)
    nav.ITEMS[:] = [i for i in saved if i.group != "work"] + [
        nav.NavItem("mywork:tasks", "t", (), count=count, group="work")
    ]
    try:
        client = client_for(investigator)
        home = client.get("/").content.decode()
        assert calls == [investigator.pk]
        assert client.get(reverse("cases:list")).status_code == 200
        assert calls == [investigator.pk] * 2  # each request counts afresh
    finally:
        nav.ITEMS[:] = saved
    assert home.count('href="/my/tasks/"') == 2  # in the bar and among the shortcuts
    assert re.search(r'href="/my/tasks/">t <span class="badge[^"]*">4<', home)
