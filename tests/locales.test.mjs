// Checks the extension's translations in extension/_locales/<lang>/messages.json.
//
// English is the reference: every other locale must hold exactly its keys, with the
// same placeholders, so that chrome.i18n.getMessage never falls back to a key name
// or drops a substitution. Every reason code of spec/logging-rules.md must have its
// message. Run with: node --test tests/locales.test.mjs (no dependencies).

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const LOCALES_DIR = fileURLToPath(new URL("../extension/_locales/", import.meta.url));

// The seven languages the extension ships (docs/i18n.md); "en" is default_locale.
const LOCALES = ["en", "de", "nl", "pl", "nb", "fr", "es"];

// Copied from spec/logging-rules.md, "Reason codes": the codes are a stable public
// contract, so a change there must be made here on purpose, not picked up silently.
const REFUSALS = [
  "log_toggle_off",
  "never_log_address",
  "never_log_domain",
  "internal_recipient",
  "body_too_large",
  "contact_deleted",
  "no_legal_basis",
  "no_email_access",
  "sender_not_authorized",
  "original_not_logged",
  "inbox_disconnected",
  "reply_to_other_inbox",
  "sender_not_contact",
  "spam_folder",
  "not_in_inbox_folder",
  "team_thread_switched",
  "provider_changed",
  "new_thread_from_non_contact",
  "wrong_provider",
  "forward_header_missing",
  "forward_missing_part",
  "unsupported_language",
];
const WARNINGS = ["attachment_too_large"];
const CODES = [...REFUSALS, ...WARNINGS];

// Codes that name one address ("When several rules fail" in logging-rules.md) or one
// attachment (S2): they also have a reasonFor_ message with exactly this placeholder.
const PER_ITEM = {
  never_log_address: "address",
  never_log_domain: "address",
  internal_recipient: "address",
  contact_deleted: "address",
  no_legal_basis: "address",
  attachment_too_large: "name",
};

// Chrome's rule for message names; placeholder names also allow "@".
const KEY_RE = /^[A-Za-z0-9_]+$/;
const PLACEHOLDER_NAME_RE = /^[A-Za-z0-9_@]+$/;
// A "$NAME$" reference inside a message (names start with a letter, so "$1" is not one).
const REF_RE = /\$([A-Za-z_@][A-Za-z0-9_@]*)\$/g;

// Chrome's manifest limits for the strings used through __MSG_extName__ and
// __MSG_extDescription__.
const MAX_NAME = 75;
const MAX_DESCRIPTION = 132;

function load(locale) {
  const path = join(LOCALES_DIR, locale, "messages.json");
  const text = readFileSync(path, "utf8");
  assert.ok(!text.startsWith("\uFEFF"), `${locale}: messages.json starts with a byte order mark`);
  return JSON.parse(text);
}

/** Declared placeholders of one message as a sorted list of "name=content". */
function placeholderSet(entry) {
  return Object.entries(entry.placeholders ?? {})
    .map(([name, p]) => `${name.toLowerCase()}=${p.content}`)
    .sort();
}

/** Lower-cased names referenced as $NAME$ in a message. */
function references(message) {
  return [...message.replaceAll("$$", "").matchAll(REF_RE)].map((m) => m[1].toLowerCase());
}

const present = existsSync(LOCALES_DIR)
  ? readdirSync(LOCALES_DIR).filter((d) => statSync(join(LOCALES_DIR, d)).isDirectory())
  : [];
// Loaded once; a file that does not parse fails its own test below.
const catalogs = {};
for (const locale of LOCALES) {
  try {
    catalogs[locale] = load(locale);
  } catch {
    catalogs[locale] = undefined;
  }
}

test("the locale directories are exactly the seven shipped languages", () => {
  const unexpected = present.filter((d) => !LOCALES.includes(d));
  const missing = LOCALES.filter((l) => !present.includes(l));
  assert.deepEqual(unexpected, [], `unexpected locale directories: ${unexpected.join(", ")}`);
  assert.deepEqual(missing, [], `missing locale directories: ${missing.join(", ")}`);
});

for (const locale of LOCALES) {
  test(`${locale}: messages.json parses and every entry is well formed`, () => {
    const messages = load(locale);
    assert.ok(Object.keys(messages).length > 0, `${locale}: no messages`);
    for (const [key, entry] of Object.entries(messages)) {
      assert.match(key, KEY_RE, `${locale}: invalid message name ${JSON.stringify(key)}`);
      assert.equal(typeof entry.message, "string", `${locale}/${key}: "message" is not a string`);
      assert.notEqual(entry.message.trim(), "", `${locale}/${key}: empty message`);
      for (const [name, p] of Object.entries(entry.placeholders ?? {})) {
        assert.match(name, PLACEHOLDER_NAME_RE, `${locale}/${key}: invalid placeholder name ${name}`);
        assert.equal(typeof p.content, "string", `${locale}/${key}: placeholder ${name} has no content`);
      }
    }
  });

  test(`${locale}: every $NAME$ is declared, every placeholder is used, no stray $`, () => {
    const messages = catalogs[locale];
    assert.ok(messages, `${locale}: messages.json missing or not JSON`);
    for (const [key, entry] of Object.entries(messages)) {
      const declared = Object.keys(entry.placeholders ?? {}).map((n) => n.toLowerCase());
      const used = references(entry.message);
      for (const name of used) {
        assert.ok(declared.includes(name), `${locale}/${key}: $${name.toUpperCase()}$ is not declared in its placeholders`);
      }
      for (const name of declared) {
        assert.ok(used.includes(name), `${locale}/${key}: placeholder ${name} is declared but not used`);
      }
      // Whatever "$" is left is a typo such as "$ADRESS" that Chrome would print as is.
      const rest = entry.message.replaceAll("$$", "").replace(REF_RE, "").replace(/\$[1-9]/g, "");
      assert.ok(!rest.includes("$"), `${locale}/${key}: stray "$" in ${JSON.stringify(entry.message)}`);
    }
  });
}

for (const locale of LOCALES.filter((l) => l !== "en")) {
  test(`${locale}: has exactly the keys of en`, () => {
    const en = catalogs.en;
    const messages = catalogs[locale];
    assert.ok(en && messages, `${locale} or en: messages.json missing or not JSON`);
    const missing = Object.keys(en).filter((k) => !(k in messages));
    const extra = Object.keys(messages).filter((k) => !(k in en));
    assert.deepEqual(missing, [], `${locale} lacks keys that en has: ${missing.join(", ")}`);
    assert.deepEqual(extra, [], `${locale} has keys that en lacks: ${extra.join(", ")}`);
  });

  test(`${locale}: placeholders are the same as en's`, () => {
    const en = catalogs.en;
    const messages = catalogs[locale];
    assert.ok(en && messages, `${locale} or en: messages.json missing or not JSON`);
    for (const key of Object.keys(en).filter((k) => k in messages)) {
      assert.deepEqual(
        placeholderSet(messages[key]),
        placeholderSet(en[key]),
        `${locale}/${key}: placeholders differ from en`,
      );
    }
  });
}

for (const locale of LOCALES) {
  test(`${locale}: every reason code has its messages`, () => {
    const messages = catalogs[locale];
    assert.ok(messages, `${locale}: messages.json missing or not JSON`);
    assert.equal(CODES.length, 23, "the list of reason codes was edited by mistake");
    for (const code of CODES) {
      const key = `reason_${code}`;
      assert.ok(key in messages, `${locale} lacks ${key}`);
      assert.deepEqual(placeholderSet(messages[key]), [], `${locale}/${key} must not take placeholders`);
    }
    for (const [code, placeholder] of Object.entries(PER_ITEM)) {
      const key = `reasonFor_${code}`;
      assert.ok(key in messages, `${locale} lacks ${key}`);
      assert.deepEqual(placeholderSet(messages[key]), [`${placeholder}=$1`], `${locale}/${key}: wants one placeholder ${placeholder}`);
    }
    for (const key of Object.keys(messages)) {
      const m = /^(reason|reasonFor|hint)_(.+)$/.exec(key);
      if (!m) continue;
      const [, family, code] = m;
      assert.ok(CODES.includes(code), `${locale}/${key}: ${code} is not a reason code of logging-rules.md`);
      if (family === "reasonFor") {
        assert.ok(code in PER_ITEM, `${locale}/${key}: ${code} is not a per-address code`);
      }
      if (family === "hint") {
        assert.deepEqual(placeholderSet(messages[key]), [], `${locale}/${key} must not take placeholders`);
      }
    }
    assert.ok("ruleLabel" in messages, `${locale} lacks ruleLabel`);
    assert.deepEqual(placeholderSet(messages.ruleLabel), ["rule=$1"], `${locale}/ruleLabel: wants one placeholder rule`);
  });

  test(`${locale}: extension name and description fit Chrome's limits`, () => {
    const messages = catalogs[locale];
    assert.ok(messages, `${locale}: messages.json missing or not JSON`);
    assert.ok(messages.extName.message.length <= MAX_NAME, `${locale}/extName is longer than ${MAX_NAME}`);
    const d = messages.extDescription.message;
    assert.ok(d.length <= MAX_DESCRIPTION, `${locale}/extDescription has ${d.length} characters, more than ${MAX_DESCRIPTION}`);
  });
}
