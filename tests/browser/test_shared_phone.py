"""Nothing readable on a shared phone: what the device keeps (the outbox, the offline copies of calls)
is sealed under the signed-in user's key (static/js/vault.js), the key goes at sign-out, and what was
still waiting is sent when the same user signs in again."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_offline import api_as, badge, visit

pytestmark = pytest.mark.browser

# Everything the origin keeps, as text: every IndexedDB database and store (bytes as Latin-1, so clear
# text inside a buffer shows), Cache Storage's responses, localStorage and sessionStorage.
# Whose vault is open, as a condition wait_for_function polls: each poll asks again (the answer is a
# promise, which wait_for_function would take as true at once) and checks the last answer that came back.
VAULT_USER_IS = """(expected) => {
  window.FieldappVault.username().then((name) => { window.__vaultUser = name; });
  return window.__vaultUser === expected;
}"""
DUMP_STORAGE = """async () => {
  const request = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = fail; });
  const text = (value) => {
    if (value instanceof ArrayBuffer) return String.fromCharCode(...new Uint8Array(value));
    if (ArrayBuffer.isView(value)) return String.fromCharCode(...new Uint8Array(value.buffer));
    if (value instanceof CryptoKey) return "[CryptoKey extractable=" + value.extractable + "]";
    if (Array.isArray(value)) return value.map(text).join(" ");
    if (value && typeof value === "object") return Object.entries(value).map(([k, v]) => k + "=" + text(v)).join(" ");
    return String(value);
  };
  const parts = [], counts = {};
  for (const info of await indexedDB.databases()) {
    const db = await request(indexedDB.open(info.name));
    for (const name of db.objectStoreNames) {
      const rows = await request(db.transaction(name).objectStore(name).getAll());
      counts[info.name + "/" + name] = rows.length;
      rows.forEach((row) => parts.push(text(row)));
    }
    db.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) parts.push(request.url, await (await cache.match(request)).text());
  }
  for (const store of [localStorage, sessionStorage]) {
    for (let i = 0; i < store.length; i++) parts.push(store.key(i), store.getItem(store.key(i)));
  }
  return { text: parts.join("\\n"), counts };
}"""

NAME, NARRATIVE, ADDRESS = "Quillfeather", "Zephyr talked about the bridge again", "41 Sealed Lane"


def test_after_sign_out_the_phone_holds_nothing_readable_and_the_same_user_sends_what_waited(
        phone_page, dispatch, live_server, browser_screenshot):
    call = dispatch.new_call(ADDRESS)
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("clinician1")
    visit(page, f"/calls/{call['id']}")
    visit(page, f"/calls/{call['id']}/encounters/new")

    page.context.set_offline(True)
    page.goto(f"/calls/{call['id']}/encounters/new")  # the device's copy, opened with the user's key
    expect(page.locator(".offline-banner")).to_contain_text("Offline: showing what this device saved")
    page.get_by_label("Resolved on scene").check()  # moves on to who was contacted by itself
    page.get_by_label("Give their name").check()
    page.get_by_label("Given name").fill("Zephyr")
    page.get_by_label("Family name").fill(NAME)
    page.get_by_role("button", name="Next: details and save").click()
    page.get_by_text("Clinician's note", exact=True).click()
    page.get_by_label("Note", exact=True).fill(NARRATIVE)
    page.get_by_role("button", name="Save encounter").click()
    expect(page.locator("#outbox-notice")).to_contain_text("Saved on this device")
    expect(badge(page)).to_have_text("1 waiting to send")

    # Back online to sign out, with the sending held back so the record is still waiting then.
    page.context.route(re.compile(r".*/api/v1/sync$"), lambda route: route.abort("connectionrefused"))
    page.context.set_offline(False)
    page.evaluate("() => { window.confirm = (message) => { sessionStorage.setItem('asked', message); return true; }; }")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert "not been sent" in page.evaluate("() => sessionStorage.getItem('asked')")
    page.wait_for_function(VAULT_USER_IS, arg=None)

    dump = page.evaluate(DUMP_STORAGE)
    assert dump["counts"].get("fieldapp/outbox") == 1  # still waiting, sealed
    assert dump["counts"].get("fieldapp-vault/keys") == 0 and dump["counts"].get("fieldapp-vault/pages") == 0
    for secret in (NAME, NARRATIVE, ADDRESS, "Zephyr"):
        assert secret not in dump["text"], secret
    assert "clinician1" in dump["text"]  # whose record it is stays readable: it waits for them

    page.context.unroute(re.compile(r".*/api/v1/sync$"))
    page.get_by_label("Username", exact=True).fill("clinician1")
    page.get_by_label("Password", exact=True).fill(live_server.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.evaluate("window.FieldappOutbox.run()")
    expect(badge(page)).to_be_hidden(timeout=10000)

    headers = api_as(page, "clinician1", live_server.password)
    encounters = page.request.get(f"/api/v1/calls/{call['id']}/encounters", headers=headers).json()
    assert [e["person"]["display_name"] for e in encounters] == [f"Zephyr {NAME}"]
    notes = page.request.get(f"/api/v1/encounters/{encounters[0]['id']}/notes", headers=headers).json()
    assert [n["body"] for n in notes] == [NARRATIVE]
    browser_screenshot(page, "shared-phone-signed-in-again")


def test_the_key_is_not_extractable_and_records_are_bound_to_their_user(phone_page):
    page = phone_page("officer1")
    page.wait_for_function(VAULT_USER_IS, arg="officer1")
    facts = page.evaluate("""async () => {
      const vault = window.FieldappVault;
      const box = await vault.seal("officer1", {said: "hello"});
      const request = (r) => new Promise((ok) => { r.onsuccess = () => ok(r.result); });
      const db = await request(indexedDB.open("fieldapp-vault"));
      const row = await request(db.transaction("keys").objectStore("keys").get("current"));
      db.close();
      let exported = "refused";
      try { await crypto.subtle.exportKey("raw", row.key); exported = "exported"; } catch (e) { /* expected */ }
      return {mine: await vault.open("officer1", box), asOther: await vault.open("officer2", box),
              exported, algorithm: row.key.algorithm.name + "-" + row.key.algorithm.length};
    }""")
    assert facts == {"mine": {"said": "hello"}, "asOther": None, "exported": "refused", "algorithm": "AES-GCM-256"}
