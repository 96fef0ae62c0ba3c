//! Language tables: every word the parser knows, as data.
//!
//! The words are what mail clients write in their forwarded-message blocks,
//! per UI language. Sources: the fixtures of the email-forward-parser
//! corpus (tests/fixtures/crisp-oss_email-forward-parser), the word lists of
//! email-forward-parser itself (MIT, Crisp IM SAS) for the clients and
//! languages of its test suite, and the clients' own localised UIs for the
//! other clients of rule F2 (see docs/forward.md). Matching is
//! case-insensitive everywhere except where a table says otherwise.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// FNV-1a: the keys are a few bytes long and not chosen by an attacker
/// (the tables are fixed; a lookup only hashes the candidate), so the
/// standard library's DoS-resistant hasher would only cost time, which
/// shows in WebAssembly.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type Index<T> = HashMap<String, T, BuildHasherDefault<Fnv>>;

/// The header field a label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    From,
    To,
    Cc,
    Bcc,
    Date,
    Subject,
    ReplyTo,
    /// A label clients write that the parser does not use (Importance,
    /// Attachments): it belongs to the header block but carries nothing.
    Other,
}

/// Header labels, all languages together: no label means two different
/// fields in two languages, so one table serves every client and mixed
/// blocks (Apple Mail writes some labels in the UI language and some in
/// English).
const LABELS: &[(&str, Field)] = &[
    // From
    ("From", Field::From),
    ("Od", Field::From),
    ("Fra", Field::From),
    ("Von", Field::From),
    ("De", Field::From),
    ("Lähettäjä", Field::From),
    ("Šalje", Field::From),
    ("Pošiljatelj", Field::From),
    ("Feladó", Field::From),
    ("Da", Field::From),
    ("Van", Field::From),
    ("Expeditorul", Field::From),
    ("Expeditor", Field::From),
    ("Отправитель", Field::From),
    ("От кого", Field::From),
    ("Från", Field::From),
    ("Kimden", Field::From),
    ("Від кого", Field::From),
    ("Saatja", Field::From),
    ("Kellelt", Field::From),
    ("De la", Field::From),
    ("Gönderen", Field::From),
    ("От", Field::From),
    ("Від", Field::From),
    ("Mittente", Field::From),
    ("Nadawca", Field::From),
    ("Odesílatel", Field::From),
    ("Odosielateľ", Field::From),
    ("Afzender", Field::From),
    ("Absender", Field::From),
    ("Expéditeur", Field::From),
    ("Remitente", Field::From),
    ("Remetente", Field::From),
    ("Avsändare", Field::From),
    ("Avsender", Field::From),
    ("Afsender", Field::From),
    ("送信元", Field::From),
    ("差出人", Field::From),
    // To
    ("To", Field::To),
    ("Komu", Field::To),
    ("Til", Field::To),
    ("An", Field::To),
    ("Para", Field::To),
    ("Vastaanottaja", Field::To),
    ("À", Field::To),
    ("A", Field::To),
    ("Prima", Field::To),
    ("Címzett", Field::To),
    ("Aan", Field::To),
    ("Do", Field::To),
    ("Destinatarul", Field::To),
    ("Destinatar", Field::To),
    ("Кому", Field::To),
    ("Pre", Field::To),
    ("Till", Field::To),
    ("Kime", Field::To),
    ("Pour", Field::To),
    ("Adresat", Field::To),
    ("Către", Field::To),
    ("Saaja", Field::To),
    ("Kellele", Field::To),
    ("Empfänger", Field::To),
    ("Destinataire", Field::To),
    ("Destinatario", Field::To),
    ("Destinatário", Field::To),
    ("Alıcı", Field::To),
    ("送信先", Field::To),
    ("宛先", Field::To),
    // Cc
    ("Cc", Field::Cc),
    // Upper-case forms too, for Yahoo's glued line, matched case-sensitively.
    ("CC", Field::Cc),
    ("DW", Field::Cc),
    ("Kopie", Field::Cc),
    ("Kopie (CC)", Field::Cc),
    ("Kopio", Field::Cc),
    ("Másolat", Field::Cc),
    ("Másolatot kap", Field::Cc),
    ("Kopi", Field::Cc),
    ("Dw", Field::Cc),
    ("Копия", Field::Cc),
    ("Kopia", Field::Cc),
    ("Kópia", Field::Cc),
    ("Bilgi", Field::Cc),
    ("Копія", Field::Cc),
    ("Copie à", Field::Cc),
    ("Copie", Field::Cc),
    ("Copia", Field::Cc),
    ("Cópia", Field::Cc),
    ("Koopia", Field::Cc),
    ("Kopija", Field::Cc),
    ("Kopie an", Field::Cc),
    // Bcc
    ("Bcc", Field::Bcc),
    ("BCC", Field::Bcc),
    ("Blindkopie", Field::Bcc),
    ("Skrytá kopie", Field::Bcc),
    ("Skrytá kópia", Field::Bcc),
    ("UDW", Field::Bcc),
    ("Piilokopio", Field::Bcc),
    ("Rejtett másolat", Field::Bcc),
    ("Скрытая копия", Field::Bcc),
    ("Прихована копія", Field::Bcc),
    ("Dold kopia", Field::Bcc),
    ("Blindkopi", Field::Bcc),
    ("Bcc/Gizli", Field::Bcc),
    ("Gizli", Field::Bcc),
    ("CCO", Field::Bcc),
    ("CCN", Field::Bcc),
    ("Cci", Field::Bcc),
    // Date
    ("Date", Field::Date),
    ("Datum", Field::Date),
    ("Dato", Field::Date),
    ("Envoyé", Field::Date),
    ("Envoyé le", Field::Date),
    ("Fecha", Field::Date),
    ("Päivämäärä", Field::Date),
    ("Päiväys", Field::Date),
    ("Dátum", Field::Date),
    ("Data", Field::Date),
    ("Dată", Field::Date),
    ("Дата", Field::Date),
    ("Tarih", Field::Date),
    ("Sent", Field::Date),
    ("Sendt", Field::Date),
    ("Gesendet", Field::Date),
    ("Enviado", Field::Date),
    ("Enviada", Field::Date),
    ("Enviado el", Field::Date),
    ("Lähetetty", Field::Date),
    ("Elküldve", Field::Date),
    ("Küldve", Field::Date),
    ("Inviato", Field::Date),
    ("Verzonden", Field::Date),
    ("Wysłano", Field::Date),
    ("Wysłane", Field::Date),
    ("Trimis", Field::Date),
    ("Отправлено", Field::Date),
    ("Odoslané", Field::Date),
    ("Odesláno", Field::Date),
    ("Skickat", Field::Date),
    ("Gönderilen", Field::Date),
    ("Gönderildi", Field::Date),
    ("Відправлено", Field::Date),
    ("Надіслано", Field::Date),
    ("Poslano", Field::Date),
    ("Saadetud", Field::Date),
    ("Kuupäev", Field::Date),
    ("日付", Field::Date),
    ("送信日時", Field::Date),
    // Subject
    ("Subject", Field::Subject),
    ("Předmět", Field::Subject),
    ("Emne", Field::Subject),
    ("Betreff", Field::Subject),
    ("Asunto", Field::Subject),
    ("Aihe", Field::Subject),
    ("Objet", Field::Subject),
    ("Predmet", Field::Subject),
    ("Tárgy", Field::Subject),
    ("Oggetto", Field::Subject),
    ("Onderwerp", Field::Subject),
    ("Temat", Field::Subject),
    ("Assunto", Field::Subject),
    ("Subiectul", Field::Subject),
    ("Subiect", Field::Subject),
    ("Тема", Field::Subject),
    ("Ämne", Field::Subject),
    ("Konu", Field::Subject),
    ("Sujet", Field::Subject),
    ("Naslov", Field::Subject),
    ("Teema", Field::Subject),
    ("件名", Field::Subject),
    // Reply-To
    ("Reply-To", Field::ReplyTo),
    ("Reply To", Field::ReplyTo),
    ("Odgovori na", Field::ReplyTo),
    ("Odpověď na", Field::ReplyTo),
    ("Svar til", Field::ReplyTo),
    ("Antwoord aan", Field::ReplyTo),
    ("Vastaus", Field::ReplyTo),
    ("Répondre à", Field::ReplyTo),
    ("Antwort an", Field::ReplyTo),
    ("Válaszcím", Field::ReplyTo),
    ("Rispondi a", Field::ReplyTo),
    ("Odpowiedź-do", Field::ReplyTo),
    ("Responder A", Field::ReplyTo),
    ("Răspuns către", Field::ReplyTo),
    ("Ответ-Кому", Field::ReplyTo),
    ("Odpovedať-Pre", Field::ReplyTo),
    ("Svara till", Field::ReplyTo),
    ("Yanıt Adresi", Field::ReplyTo),
    ("Кому відповісти", Field::ReplyTo),
    // Lines Outlook adds to its header block.
    ("Importance", Field::Other),
    ("Wichtigkeit", Field::Other),
    ("Priorité", Field::Other),
    ("Importancia", Field::Other),
    ("Priority", Field::Other),
    ("Attachments", Field::Other),
    ("Anlagen", Field::Other),
    ("Pièces jointes", Field::Other),
    ("Datos adjuntos", Field::Other),
];

/// Labels that say the block is Croatian, whose month names clash with
/// Czech and Polish ones (`listopad` is October in Croatian, November in
/// Czech and Polish).
const CROATIAN_LABELS: &[&str] = &["Šalje", "Pošiljatelj", "Prima", "Naslov", "Poslano"];

/// The field a label names, if the label is known.
pub(crate) fn field_of(label: &str) -> Option<Field> {
    static INDEX: OnceLock<Index<Field>> = OnceLock::new();
    let index = INDEX.get_or_init(|| index(LABELS));
    if label.len() > MAX_KEY {
        return None;
    }
    let mut buf = [0u8; 2 * MAX_KEY];
    index.get(key_in(label, &mut buf)?).copied()
}

/// Longest label or phrase, in bytes: longer text is neither.
pub(crate) const MAX_KEY: usize = 80;

/// The lookup key of a label or phrase: lower case, white space runs made
/// one space. Written into `buf` (no allocation per lookup); `None` when it
/// does not fit, since no known label or phrase is that long.
pub(crate) fn key_in<'b>(text: &str, buf: &'b mut [u8; 2 * MAX_KEY]) -> Option<&'b str> {
    let mut len = 0;
    let mut push = |c: char, len: &mut usize| -> Option<()> {
        let end = *len + c.len_utf8();
        c.encode_utf8(buf.get_mut(*len..end)?);
        *len = end;
        Some(())
    };
    for word in words(text) {
        if len > 0 {
            push(' ', &mut len)?;
        }
        for c in word.chars() {
            if c.is_ascii() {
                push(c.to_ascii_lowercase(), &mut len)?;
            } else {
                for lower in c.to_lowercase() {
                    push(lower, &mut len)?;
                }
            }
        }
    }
    std::str::from_utf8(buf.get(..len)?).ok()
}

fn key(text: &str) -> String {
    let mut buf = [0u8; 2 * MAX_KEY];
    key_in(text, &mut buf).unwrap_or_default().to_string()
}

fn index<T: Copy>(table: &[(&str, T)]) -> Index<T> {
    let mut map = Index::with_capacity_and_hasher(table.len(), BuildHasherDefault::default());
    for &(text, value) in table {
        map.entry(key(text)).or_insert(value);
    }
    map
}

/// Whether a label is one only Croatian clients write.
pub(crate) fn is_croatian_label(label: &str) -> bool {
    CROATIAN_LABELS
        .iter()
        .any(|known| known.len() == label.len() && eq_fold(known, label))
}

/// Labels Yahoo! Mail glues together on one line, some without their colon
/// (Polish `Dw`, Portuguese `Assunto`): tried, longest first, at every
/// position of that line that does not follow a lower-case letter.
/// Compared case-sensitively, so that they are not found inside words.
pub(crate) fn glued_labels(first: u8) -> &'static [(&'static str, Field)] {
    static BY_FIRST_BYTE: OnceLock<Vec<Vec<(&'static str, Field)>>> = OnceLock::new();
    let table = BY_FIRST_BYTE.get_or_init(|| {
        let mut table = vec![Vec::new(); 256];
        for &(label, field) in LABELS {
            if let Some(list) = label
                .bytes()
                .next()
                .and_then(|b| table.get_mut(usize::from(b)))
            {
                list.push((label, field));
            }
        }
        table
    });
    table.get(usize::from(first)).map_or(&[], Vec::as_slice)
}

/// Labels that Yahoo! Mail writes without a colon.
pub(crate) const COLONLESS_LABELS: &[(&str, Field)] =
    &[("Dw", Field::Cc), ("Assunto", Field::Subject)];

/// What a separator phrase announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phrase {
    /// "Forwarded message" and its translations: only forwards carry it.
    Forward,
    /// "Original Message" and its translations: Outlook, Samsung Mail and
    /// Windows Live Mail write it above forwards and replies alike.
    Original,
}

/// Separator phrases: inside a line of dashes (Gmail, Thunderbird, Yahoo!
/// Mail, HubSpot, IONOS, Missive, Outlook desktop, Samsung Mail) or alone
/// on a line ending with a colon (Apple Mail, MailMate).
const PHRASES: &[(&str, Phrase)] = &[
    // Gmail (all locales), Missive, HubSpot (en), Yahoo! Mail, Thunderbird (en)
    ("Forwarded message", Phrase::Forward),
    ("Forwarded mail", Phrase::Forward),
    ("Forwarded e-mail", Phrase::Forward),
    ("Begin forwarded message", Phrase::Forward),
    // Apple Mail and iOS Mail
    ("Začátek přeposílané zprávy", Phrase::Forward),
    ("Start på videresendt besked", Phrase::Forward),
    ("Anfang der weitergeleiteten Nachricht", Phrase::Forward),
    ("Inicio del mensaje reenviado", Phrase::Forward),
    ("Välitetty viesti alkaa", Phrase::Forward),
    ("Début du message réexpédié", Phrase::Forward),
    ("Début du message transféré", Phrase::Forward),
    ("Započni proslijeđenu poruku", Phrase::Forward),
    ("Početak proslijeđene poruke", Phrase::Forward),
    ("Továbbított levél kezdete", Phrase::Forward),
    ("Inizio messaggio inoltrato", Phrase::Forward),
    ("Begin doorgestuurd bericht", Phrase::Forward),
    ("Videresendt melding", Phrase::Forward),
    ("Początek przekazywanej wiadomości", Phrase::Forward),
    ("Início da mensagem reencaminhada", Phrase::Forward),
    ("Início da mensagem encaminhada", Phrase::Forward),
    ("Începe mesajul redirecționat", Phrase::Forward),
    ("Începutul mesajului redirecționat", Phrase::Forward),
    ("Начало переадресованного сообщения", Phrase::Forward),
    ("Začiatok preposlanej správy", Phrase::Forward),
    ("Vidarebefordrat mejl", Phrase::Forward),
    ("İleti başlangıcı", Phrase::Forward),
    ("Iletilen ileti başlangıcı", Phrase::Forward),
    ("Початок листа, що пересилається", Phrase::Forward),
    ("Початок пересланого листа", Phrase::Forward),
    ("転送されたメッセージ", Phrase::Forward),
    ("Edasisaadetud kirja algus", Phrase::Forward),
    // Yahoo! Mail, Thunderbird, HubSpot
    ("Přeposlaná zpráva", Phrase::Forward),
    ("Přeposlaná zpráva --- Forwarded Message", Phrase::Forward),
    ("Videresendt meddelelse", Phrase::Forward),
    ("Videresendt besked", Phrase::Forward),
    ("Weitergeleitete Nachricht", Phrase::Forward),
    ("Mensaje reenviado", Phrase::Forward),
    ("Edelleenlähetetty viesti", Phrase::Forward),
    ("Välitetty viesti / Fwd.Msg", Phrase::Forward),
    ("Välitetty viesti", Phrase::Forward),
    ("Message transmis", Phrase::Forward),
    ("Message transféré", Phrase::Forward),
    ("Továbbított üzenet", Phrase::Forward),
    ("Messaggio inoltrato", Phrase::Forward),
    ("Doorgestuurd bericht", Phrase::Forward),
    ("Przekazana wiadomość", Phrase::Forward),
    ("Treść przekazanej wiadomości", Phrase::Forward),
    ("Wiadomość przesłana dalej", Phrase::Forward),
    ("Mensagem reencaminhada", Phrase::Forward),
    ("Mensagem encaminhada", Phrase::Forward),
    ("Mesaj redirecționat", Phrase::Forward),
    ("Mesaj redirecţionat", Phrase::Forward),
    ("Пересылаемое сообщение", Phrase::Forward),
    ("Перенаправленное сообщение", Phrase::Forward),
    ("Пересланное сообщение", Phrase::Forward),
    ("Preposlaná správa", Phrase::Forward),
    ("Preposlaná správa --- Forwarded Message", Phrase::Forward),
    ("Vidarebefordrat meddelande", Phrase::Forward),
    ("İletilmiş Mesaj", Phrase::Forward),
    ("İletilen İleti", Phrase::Forward),
    ("İletilen Mesaj", Phrase::Forward),
    ("Перенаправлене повідомлення", Phrase::Forward),
    ("Переслане повідомлення", Phrase::Forward),
    ("Proslijeđena poruka", Phrase::Forward),
    ("Prosleđena poruka", Phrase::Forward),
    ("Edasi saadetud kiri", Phrase::Forward),
    ("Edasisaadetud kiri", Phrase::Forward),
    ("Edastatud kiri", Phrase::Forward),
    ("メッセージを転送", Phrase::Forward),
    ("転送メッセージ", Phrase::Forward),
    // Outlook desktop, Samsung Mail, Windows Live Mail, IONOS
    ("Original Message", Phrase::Original),
    ("Ursprüngliche Nachricht", Phrase::Original),
    ("Originalnachricht", Phrase::Original),
    ("Oorspronkelijk bericht", Phrase::Original),
    ("Origineel bericht", Phrase::Original),
    ("Message d'origine", Phrase::Original),
    ("Message original", Phrase::Original),
    ("Mensaje original", Phrase::Original),
    ("Messaggio originale", Phrase::Original),
    ("Původní zpráva", Phrase::Original),
    ("Oprindelig meddelelse", Phrase::Original),
    ("Oprindelig besked", Phrase::Original),
    ("Alkuperäinen viesti", Phrase::Original),
    ("Eredeti üzenet", Phrase::Original),
    ("Opprinnelig melding", Phrase::Original),
    ("Oprinnelig melding", Phrase::Original),
    ("Wiadomość oryginalna", Phrase::Original),
    ("Oryginalna wiadomość", Phrase::Original),
    ("Mensagem original", Phrase::Original),
    ("Mesaj original", Phrase::Original),
    ("Mesajul original", Phrase::Original),
    ("Исходное сообщение", Phrase::Original),
    ("Оригинальное сообщение", Phrase::Original),
    ("Pôvodná správa", Phrase::Original),
    ("Ursprungligt meddelande", Phrase::Original),
    ("Originalmeddelande", Phrase::Original),
    ("Orijinal Mesaj", Phrase::Original),
    ("Özgün İleti", Phrase::Original),
    ("Özgün ileti", Phrase::Original),
    ("Оригінальне повідомлення", Phrase::Original),
    ("Вихідне повідомлення", Phrase::Original),
    ("Початкове повідомлення", Phrase::Original),
    ("Izvorna poruka", Phrase::Original),
    ("Izvorni e-mail", Phrase::Original),
    ("Algne sõnum", Phrase::Original),
    ("Algne kiri", Phrase::Original),
    ("元のメッセージ", Phrase::Original),
];

/// What a phrase (the text between the dashes, or before the colon) says.
pub(crate) fn phrase_kind(text: &str) -> Option<Phrase> {
    static INDEX: OnceLock<Index<Phrase>> = OnceLock::new();
    let index = INDEX.get_or_init(|| index(PHRASES));
    if text.len() > MAX_KEY || text.is_empty() {
        return None;
    }
    let mut buf = [0u8; 2 * MAX_KEY];
    index.get(key_in(text, &mut buf)?).copied()
}

/// Subject prefixes of forwards, per client and language. Compared without
/// regard to case, except the one-letter Italian `I`, which is compared
/// exactly.
const FORWARD_PREFIXES: &[&str] = &[
    "Fwd",        // Gmail, Thunderbird, Apple Mail, MailMate, Missive (all locales)
    "Fw",         // Outlook (en, cs, hr, hu, sk, nl, pt, ru, ja...), Yahoo! Mail
    "WG",         // Outlook (de)
    "VS",         // Outlook (da, no)
    "RV",         // Outlook (es)
    "TR",         // Outlook (fr)
    "PD",         // Outlook (pl)
    "ENC",        // Outlook (pt-BR)
    "Redir.",     // Outlook Live (ro)
    "Redir",      // Outlook Live (ro)
    "VB",         // Outlook (sv)
    "VL",         // Outlook (fi)
    "Videresend", // New Outlook (no)
    "İLT",        // Outlook (tr)
    "ILT",        // Outlook (tr), without the dotted capital
    "Doorst",     // Outlook (nl)
    "TOV",        // Outlook (hu)
    "Továbbítás", // Outlook (hu)
    "PRSL",       // Outlook (hr)
    "Pārs",       // Outlook (lv)
    "Edasi",      // Outlook (et)
    "Пересл",     // Outlook (ru)
    "Перес",      // Mail.ru
    "ПЕРЕСЛ",     // Outlook (uk)
    "Trans",      // Lotus Notes (fr)
    "転送",       // Japanese clients
];

/// Subject prefixes of replies.
const REPLY_PREFIXES: &[&str] = &[
    "Re",
    "AW",
    "SV",
    "Antw",
    "Odp",
    "RES",
    "RIF",
    "R",
    "YNT",
    "Odg",
    "Vá",
    "Atb",
    "Ats",
    "Отв",
    "Ответ",
    "ВІДП",
    "Відп",
    "Réf",
    "Ref",
    "Svar",
    "Vast",
    "Antwort",
    "返信",
    "回复",
];

/// How a subject line starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SubjectKind {
    /// With a forward prefix; the subject without it.
    Forward(String),
    /// With a reply prefix.
    Reply,
    /// With neither.
    Other,
}

/// Classifies a subject by its first prefix, after any leading `[TAG]`s
/// that mail gateways add (`[EXTERNAL]`).
pub(crate) fn classify_subject(subject: &str) -> SubjectKind {
    let mut rest = subject.trim_start_matches(['\u{feff}', ' ', '\t']);
    while let Some(inner) = rest.strip_prefix('[') {
        match inner.find(']') {
            Some(end) => rest = inner.get(end + 1..).unwrap_or("").trim_start(),
            None => break,
        }
    }
    let Some((colon, width)) = rest
        .char_indices()
        .take(16)
        .find(|&(_, c)| c == ':' || c == '：')
        .map(|(i, c)| (i, c.len_utf8()))
    else {
        return SubjectKind::Other;
    };
    let prefix = rest.get(..colon).unwrap_or("").trim_end();
    // Some clients number repeated prefixes: "Fwd[2]:", "RE(3):".
    let prefix = prefix.split(['[', '(']).next().unwrap_or(prefix).trim_end();
    let after = rest.get(colon + width..).unwrap_or("").trim();
    if prefix == "I" || FORWARD_PREFIXES.iter().any(|p| eq_fold(p, prefix)) {
        return SubjectKind::Forward(after.to_string());
    }
    if REPLY_PREFIXES.iter().any(|p| eq_fold(p, prefix)) {
        return SubjectKind::Reply;
    }
    SubjectKind::Other
}

/// Attribution lines that Outlook 2019 and later (macOS) writes above a
/// forwarded message instead of a header block, per language: `{D}` is the
/// date, `{M}` the sender (a name, possibly quoted, then the address in
/// `<>`, `()` or `(<>)`). Compared without regard to case or runs of spaces.
pub(crate) const ATTRIBUTIONS: &[&str] = &[
    "On {D}, {M} wrote:",             // en
    "On {D} {M} wrote:",              // en, no comma
    "Dne {D}, {M} napsal(a):",        // cs
    "D. {D} skrev {M}:",              // da
    "Den {D} skrev {M}:",             // da
    "Am {D} schrieb {M}:",            // de
    "El {D}, {M} escribió:",          // es
    "Le {D}, {M} a écrit :",          // fr
    "{M} kirjoitti {D}:",             // fi
    "{D} időpontban {M} ezt írta:",   // hu
    "Il giorno {D} {M} ha scritto:",  // it
    "Op {D} heeft {M} geschreven:",   // nl
    "{M} skrev følgende den {D}:",    // no
    "Dnia {D} {M} napisał:",          // pl
    "Em {D}, {M} escreveu:",          // pt
    "{D} пользователь {M} написал:",  // ru
    "{D} používateľ {M} napísal:",    // sk
    "Den {D} skrev {M} följande:",    // sv
    "{M}, {D} tarihinde şunu yazdı:", // tr
    "{D} користувач {M} написав:",    // uk
    "Dana {D}, {M} je napisao:",      // hr
    "Pe {D}, {M} a scris:",           // ro
    "{D}、{M} のメッセージ:",         // ja
    "{M} kirjutas {D}:",              // et
];

/// Month names per language, as stems: a word names the month of the
/// longest stem it starts with, or of a stem it abbreviates (3 letters at
/// least). Croatian has its own table (see `CROATIAN_LABELS`).
pub(crate) const MONTHS: &[(&str, u8)] = &[
    // en
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // de, nl, da, no, sv, et
    ("jän", 1),
    ("mär", 3),
    ("mai", 5),
    ("maj", 5),
    ("mei", 5),
    ("okt", 10),
    ("dez", 12),
    ("des", 12),
    ("maart", 3),
    ("märts", 3),
    ("detsember", 12),
    ("oktoober", 10),
    // fr
    ("janv", 1),
    ("févr", 2),
    ("fevr", 2),
    ("avr", 4),
    ("juin", 6),
    ("juil", 7),
    ("août", 8),
    ("aout", 8),
    ("déc", 12),
    // es, it, pt, ro
    ("ene", 1),
    ("abr", 4),
    ("ago", 8),
    ("set", 9),
    ("dic", 12),
    ("gen", 1),
    ("febb", 2),
    ("magg", 5),
    ("giu", 6),
    ("lug", 7),
    ("ott", 10),
    ("fev", 2),
    ("out", 10),
    ("ian", 1),
    ("iun", 6),
    ("iul", 7),
    ("noi", 11),
    ("mayo", 5),
    ("maio", 5),
    ("junh", 6),
    ("julh", 7),
    ("marc", 3),
    ("mart", 3),
    ("marzo", 3),
    // fi
    ("tammi", 1),
    ("helmi", 2),
    ("maalis", 3),
    ("huhti", 4),
    ("touko", 5),
    ("kesä", 6),
    ("heinä", 7),
    ("elo", 8),
    ("syys", 9),
    ("loka", 10),
    ("marras", 11),
    ("joulu", 12),
    // hu
    ("márc", 3),
    ("ápr", 4),
    ("máj", 5),
    ("jún", 6),
    ("júl", 7),
    ("szept", 9),
    // pl
    ("sty", 1),
    ("lut", 2),
    ("marz", 3),
    ("kwi", 4),
    ("czerw", 6),
    ("lip", 7),
    ("sierp", 8),
    ("wrze", 9),
    ("paź", 10),
    ("paz", 10),
    ("lis", 11),
    ("gru", 12),
    // cs, sk
    ("led", 1),
    ("úno", 2),
    ("bře", 3),
    ("dub", 4),
    ("kvě", 5),
    ("červen", 6),
    ("červn", 6),
    ("červenec", 7),
    ("července", 7),
    ("srp", 8),
    ("zář", 9),
    ("říj", 10),
    ("listopad", 11),
    ("pros", 12),
    ("január", 1),
    ("február", 2),
    ("marec", 3),
    ("apríl", 4),
    ("máj", 5),
    ("október", 10),
    ("októbr", 10),
    // tr
    ("oca", 1),
    ("şub", 2),
    ("nis", 4),
    ("may", 5),
    ("haz", 6),
    ("tem", 7),
    ("ağu", 8),
    ("eyl", 9),
    ("eki", 10),
    ("kas", 11),
    ("ara", 12),
    // ru
    ("янв", 1),
    ("фев", 2),
    ("мар", 3),
    ("апр", 4),
    ("мая", 5),
    ("май", 5),
    ("июн", 6),
    ("июл", 7),
    ("авг", 8),
    ("сен", 9),
    ("окт", 10),
    ("ноя", 11),
    ("дек", 12),
    // uk
    ("січ", 1),
    ("лют", 2),
    ("бер", 3),
    ("кві", 4),
    ("тра", 5),
    ("чер", 6),
    ("лип", 7),
    ("сер", 8),
    ("вер", 9),
    ("жов", 10),
    ("лис", 11),
    ("гру", 12),
];

/// Croatian month names, tried first when the block is Croatian.
pub(crate) const MONTHS_HR: &[(&str, u8)] = &[
    ("sij", 1),
    ("velj", 2),
    ("ožu", 3),
    ("tra", 4),
    ("svi", 5),
    ("lip", 6),
    ("srp", 7),
    ("kol", 8),
    ("ruj", 9),
    ("lis", 10),
    ("stu", 11),
    ("pro", 12),
];

/// Time-zone abbreviations clients write after a date, with their offset
/// in minutes. Ambiguous abbreviations (IST, CST in Asia) are left out: a
/// date with one of those gets the unknown offset.
pub(crate) const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("UT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("MEZ", 60),
    ("MESZ", 120),
    ("SEČ", 60),
    ("SELČ", 120),
    ("SEC", 60),
    ("EET", 120),
    ("EEST", 180),
    ("OEZ", 120),
    ("OESZ", 180),
    ("MSK", 180),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("JST", 540),
    ("KST", 540),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("TRT", 180),
];

/// Compares two strings without regard to case, allocation-free.
pub(crate) fn eq_fold(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    let mut left = a.chars().flat_map(char::to_lowercase);
    let mut right = b.chars().flat_map(char::to_lowercase);
    loop {
        match (left.next(), right.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y => {}
            _ => return false,
        }
    }
}

/// Like `eq_fold`, but any run of white space (or none, before a colon)
/// matches any run of white space.
pub(crate) fn eq_fold_spaces(a: &str, b: &str) -> bool {
    let mut left = words(a);
    let mut right = words(b);
    loop {
        match (left.next(), right.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if eq_fold(x, y) => {}
            _ => return false,
        }
    }
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_fold_case() {
        assert_eq!(field_of("CC"), Some(Field::Cc));
        assert_eq!(field_of("от"), Some(Field::From));
        assert_eq!(field_of("Kopie (CC)"), Some(Field::Cc));
        assert_eq!(field_of("Greeting"), None);
    }

    #[test]
    fn no_label_names_two_fields() {
        for (i, (a, fa)) in LABELS.iter().enumerate() {
            for (b, fb) in LABELS.iter().skip(i + 1) {
                assert!(!(eq_fold(a, b) && fa != fb), "{a} / {b}");
            }
        }
    }

    #[test]
    fn subjects() {
        assert_eq!(
            classify_subject("WG: Hallo"),
            SubjectKind::Forward("Hallo".into())
        );
        assert_eq!(
            classify_subject("[EXTERNAL] Fwd: x"),
            SubjectKind::Forward("x".into())
        );
        assert_eq!(classify_subject("Re: Fwd: x"), SubjectKind::Reply);
        assert_eq!(classify_subject("AW: x"), SubjectKind::Reply);
        assert_eq!(classify_subject("i: lowercase"), SubjectKind::Other);
        assert_eq!(classify_subject("Meeting at 10:00"), SubjectKind::Other);
    }

    #[test]
    fn phrases_ignore_spacing_and_case() {
        assert_eq!(phrase_kind("forwarded  Message"), Some(Phrase::Forward));
        assert_eq!(phrase_kind("Original Message"), Some(Phrase::Original));
        assert_eq!(phrase_kind("Hello world"), None);
    }
}
