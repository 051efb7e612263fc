// The portal is one HTML page whose content changes with the path: every page path is answered with
// index.html (by tools/front_server.py locally, by a CloudFront Function in production), and this
// module shows the page of routes.js that matches it. Links to pages are followed without reloading;
// on each change the title is the page's, and the focus goes to its main heading, so that a screen
// reader announces the new page as it would after a real navigation.
//
// An email's link carries its code in the fragment (/activation#c=<code>; `?c=` in links mailed
// before): the first thing done with any address is to take the code out of it (history.replaceState)
// and keep it for the page in sessionStorage (session.js's linkCodes), before the page's module is
// loaded or any call made; the page gets it as `code` in its context. (The files index.html loads
// before this module runs never see it: a fragment is never sent, and Referrer-Policy: no-referrer
// keeps an old link's query out of their Referer.) Pages and layout.js get `navigate` from here,
// and import nothing of this module: the modules form no import circle.

import { endSessionIfDue, onSessionEnd, Problem, SessionEnded, watchSession } from "./api.js";
import { alert, link } from "./components.js";
import { h, page } from "./dom.js";
import { updateLayout } from "./layout.js";
import { notFound, routes } from "./routes.js";
import { linkCodes, session } from "./session.js";

const SITE = "Mon Compte Formation";
let shown = 0; // the navigation being shown: a slower, older one never overwrites it
let flash = null; // a message for the next page ("Votre compte a bien été activé...")
let current = null; // the path and query shown: a change of the #fragment alone is no new page

function pattern(path) {
  const names = [];
  const source = path.replace(/:([a-z]+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  return { regex: new RegExp(`^${source}/?$`), names };
}

const compiled = routes.map((route) => ({ route, ...pattern(route.path) }));

export function match(pathname) {
  for (const { route, regex, names } of compiled) {
    const found = regex.exec(pathname);
    if (found) {
      const params = Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(found[index + 1])]));
      return { route, params };
    }
  }
  return { route: notFound, params: {} };
}

// Takes an email link's code out of the address bar, into the tab's storage for that page. True when
// the address had one (even empty: a link cut short forgets an older code of the same page).
function takeLinkCode() {
  const url = new URL(location.href);
  const inFragment = new URLSearchParams(url.hash.slice(1)).has("c");
  const inQuery = url.searchParams.has("c");
  if (!inFragment && !inQuery) return false;
  const code = inFragment ? new URLSearchParams(url.hash.slice(1)).get("c") : url.searchParams.get("c");
  url.searchParams.delete("c");
  if (inFragment) url.hash = "";
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  const { route } = match(url.pathname);
  if (route.path) linkCodes.set(route.path, code);
  return true;
}

// An identity provider's redirect back (/franceconnect/retour?code=&state=): the route's `takesQuery`
// parameters are taken out of the address bar the same way, first thing, and handed to the page once
// as its `query` (a reload or a return to the page finds nothing: a code is spent once anyway).
let returned = null;

function takeReturnQuery() {
  const url = new URL(location.href);
  const { route } = match(url.pathname);
  if (!route.takesQuery) return;
  const taken = new URLSearchParams();
  for (const name of route.takesQuery) {
    if (!url.searchParams.has(name)) continue;
    taken.set(name, url.searchParams.get(name));
    url.searchParams.delete(name);
  }
  if (![...taken.keys()].length) return;
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  returned = { path: route.path, query: taken };
}

export function navigate(url, { replace = false, message = null } = {}) {
  flash = message;
  history[replace ? "replaceState" : "pushState"](null, "", url);
  return show({ focus: true });
}

// A link to one of the portal's pages (same origin, same tab, not an anchor on this page).
function followable(anchor, event) {
  if (!anchor || event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (anchor.target || anchor.hasAttribute("download")) return false;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin) return false;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return false;
  return true;
}

function onClick(event) {
  const anchor = event.target.closest("a[href]");
  if (!followable(anchor, event)) return;
  event.preventDefault();
  const url = new URL(anchor.href, location.href);
  navigate(url.pathname + url.search);
}

function messageNode(message) {
  const role = message.type === "error" ? "alert" : "status";
  const node = alert(message.type, message.text, { role, title: message.title });
  node.classList.add("mcf-annonce");
  return node;
}

function failure(error) {
  const detail = error instanceof Problem ? error.detail : "Une erreur inattendue est survenue.";
  return page(
    "Page momentanément indisponible",
    alert("error", detail),
    h("p", { class: "fr-mt-3w" }, link("Réessayer", location.pathname + location.search)),
  );
}

export async function show({ focus = false } = {}) {
  takeLinkCode(); // before anything else: no request is made while the code is in the address bar
  takeReturnQuery(); // nor while a provider's code and state are
  const number = ++shown;
  current = location.pathname + location.search;
  const { route, params } = match(location.pathname);
  const container = document.getElementById("contenu");
  if (endSessionIfDue()) return; // a session that has surely ended shows nothing more: the login page instead
  if (route.espace && !session.token) {
    return navigate("/", {
      replace: true,
      message: { type: "info", text: "Merci de vous identifier pour accéder à votre espace." },
    });
  }
  const message = flash;
  flash = null;
  container.setAttribute("aria-busy", "true");
  let content;
  let module;
  try {
    module = await route.module();
    updateLayout(route, navigate);
    const code = route.path ? linkCodes.get(route.path) : null;
    const forgetCode = () => route.path && linkCodes.forget(route.path);
    const taken = returned?.path === route.path ? returned.query : null;
    returned = null;
    const query = taken ?? new URLSearchParams(location.search);
    content = await module.render({ params, query, code, forgetCode, navigate });
  } catch (error) {
    if (error instanceof SessionEnded) return;
    content = failure(error);
  }
  if (number !== shown) return;
  const heading = content.querySelector("h1");
  if (message) heading ? heading.after(messageNode(message)) : content.prepend(messageNode(message));
  container.replaceChildren(content);
  container.removeAttribute("aria-busy");
  const title = typeof module?.title === "function" ? module.title(params) : module?.title;
  document.title = `${title || heading?.textContent || SITE} - ${SITE}`;
  if (focus) {
    window.scrollTo(0, 0);
    (heading ?? container).focus();
  }
}

export function start() {
  document.addEventListener("click", onClick);
  window.addEventListener("popstate", () => {
    // The skip links ("#contenu") change the fragment only: the page stays as it is, form included;
    // an email's link opened over the same page (/activation#c=... on /activation) is a new page.
    const linkOpened = new URLSearchParams(location.hash.slice(1)).has("c");
    if (linkOpened || location.pathname + location.search !== current) show({ focus: true });
  });
  // A 401 on a holder-space call: the login page, with the API's sentence, not a blank screen.
  // A page with its own login form (an invitation's link) comes back with it: the link is not lost.
  // So does the moment the server has surely ended the session (api.js's watch): the page is cleared.
  onSessionEnd((detail) => {
    updateLayout({ espace: false }, navigate);
    const here = location.pathname + location.search;
    navigate(match(location.pathname).route.ownLogin ? here : "/", { replace: true, message: { type: "warning", text: detail } });
  });
  watchSession();
  show();
}
