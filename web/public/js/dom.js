// Building the page: elements are made one by one, never from HTML strings, so that nothing the
// API or a person typed can ever become markup (and no inline script or style is ever needed).

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

let counter = 0;

// Ids that are unique on the page, for label/field and field/message pairs.
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

// A page's content: its main heading first, the rest in the DSFR's centred container.
export function page(title, ...content) {
  return h("div", { class: "fr-container fr-my-6w" }, h("h1", { tabindex: "-1" }, title), ...content);
}

// Dates and times as a French reader expects them, at Paris time (the API speaks UTC).
const DATE_TIME = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Paris" });
const DATE = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" });

export function dateTime(iso) {
  return iso ? DATE_TIME.format(new Date(iso)) : "";
}

export function date(iso) {
  if (!iso) return "";
  // A date alone (AAAA-MM-JJ) is a calendar day, not a UTC midnight.
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? DATE.format(new Date(`${iso}T12:00:00Z`)) : DATE.format(new Date(iso));
}

export function hours(value) {
  const number = Number(value ?? 0);
  return `${number.toLocaleString("fr-FR")} h`;
}

// A French number as people write it (01 23 45 67 89); the API stores E.164 (+33123456789) and
// accepts both. Overseas numbers (+590...) are left as they are.
export function phone(value) {
  const french = /^\+33(\d{9})$/.exec(value ?? "");
  return french ? `0${french[1]}`.replace(/(\d{2})(?=\d)/g, "$1 ") : (value ?? undefined);
}
