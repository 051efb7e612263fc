// The header around the pages: outside the holder space, the service's name alone; inside it, the
// menu of the tutorial (Accueil, Mes informations personnelles, Mon compte d'heures, Mes dossiers de
// formation, Mes délégations) and, under the holder's first and last names, "Modifier mon mot de
// passe", "Consulter mon historique" and "Déconnexion". The entries come from routes.js. The router
// hands `navigate` to updateLayout (this module imports nothing of the router's: no import circle).

import { holder } from "./api.js";
import { h, uid } from "./dom.js";
import { logOut } from "./logout.js";
import { routes } from "./routes.js";
import { displayName, session } from "./session.js";

let inside = false;

function current(route, entry) {
  if (route.path === entry.path || route.parent === entry.path) return true;
  // A dossier's page belongs to "Mes dossiers de formation" (a delegated account's to "Mes délégations",
  // its `parent`); "/espace" itself is the synthesis only.
  return entry.path !== "/espace" && route.path.startsWith(`${entry.path}/`);
}

const LOGGED_OUT = { type: "success", text: "Vous êtes bien déconnecté(e) de votre espace." };

async function disconnect(navigate) {
  const { outcome, message } = await logOut();
  if (outcome === "ended") return; // the login page is back already, with the API's sentence
  updateLayout({ espace: false }, navigate);
  navigate("/", { message: outcome === "told" ? LOGGED_OUT : message });
}

function holderName() {
  return session.holder ?? "Mon compte";
}

function accountMenu(route, navigate) {
  const menuId = uid("menu-compte");
  return h(
    "li",
    { class: "fr-nav__item" },
    h(
      "button",
      {
        class: "fr-nav__btn",
        type: "button",
        "aria-expanded": "false",
        "aria-controls": menuId,
        id: "bouton-menu-compte",
      },
      holderName(),
    ),
    h(
      "div",
      { class: "fr-collapse fr-menu", id: menuId },
      h(
        "ul",
        { class: "fr-menu__list" },
        routes
          .filter((entry) => entry.compte)
          .map((entry) =>
            h(
              "li",
              {},
              h(
                "a",
                { class: "fr-nav__link", href: entry.path, "aria-current": current(route, entry) ? "page" : null },
                entry.compte,
              ),
            ),
          ),
        h("li", {}, h("button", { class: "fr-nav__link mcf-deconnexion", type: "button", onclick: () => disconnect(navigate) }, "Déconnexion")),
      ),
    ),
  );
}

function renderNavigation(route, navigate) {
  const list = h(
    "ul",
    { class: "fr-nav__list" },
    routes
      .filter((entry) => entry.menu)
      .map((entry) =>
        h(
          "li",
          { class: "fr-nav__item" },
          h(
            "a",
            { class: "fr-nav__link", href: entry.path, "aria-current": current(route, entry) ? "page" : null },
            entry.menu,
          ),
        ),
      ),
    accountMenu(route, navigate),
  );
  document.getElementById("navigation-principale").replaceChildren(list);
}

async function learnHolderName(route, navigate) {
  try {
    const synthesis = await holder.get("/titulaire");
    session.holder = displayName(synthesis);
    if (inside) renderNavigation(route, navigate);
  } catch {
    // The page's own calls report the problem (or bring the login page back).
  }
}

function closeMobileMenu() {
  // On a small screen the menu is a DSFR modal: a followed link must not leave it open over the page.
  // Only when open: concealing gives the focus back to the button that opened it.
  const menu = document.getElementById("menu-principal");
  if (!menu.classList.contains("fr-modal--opened")) return;
  try {
    window.dsfr?.(menu)?.modal?.conceal();
  } catch {
    // DSFR not loaded yet: nothing is open.
  }
}

function concealAccountMenu(navigation) {
  const menu = navigation.querySelector(".fr-collapse.fr-menu");
  if (!menu) return;
  try {
    window.dsfr?.(menu)?.collapse?.conceal();
  } catch {
    // DSFR not loaded yet: nothing is open.
  }
}

// `navigate`: the router's, for the logout's way back to the home page.
export function updateLayout(route, navigate) {
  closeMobileMenu();
  const espace = Boolean(route.espace && session.token);
  const navigation = document.getElementById("navigation-principale");
  navigation.hidden = !espace;
  document.getElementById("bouton-menu").hidden = !espace;
  document.getElementById("lien-evitement-menu").hidden = !espace;
  if (!espace) {
    // Hidden, not emptied: the account menu may still be opening or closing (a logout is clicked
    // in it), and DSFR's render loop fails on a node removed mid-animation. The next login replaces it.
    inside = false;
    // Two frames later: DSFR's navigation answers a Tab with a callback for its next frame that reads
    // the open menu, and fails if the menu was closed in between (the logout is reached by Tab).
    requestAnimationFrame(() => requestAnimationFrame(() => concealAccountMenu(navigation)));
    return;
  }
  inside = true;
  renderNavigation(route, navigate);
  if (!session.holder) learnHolderName(route, navigate);
}
