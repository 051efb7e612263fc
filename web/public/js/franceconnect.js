// FranceConnect's button, as the DSFR draws it (`fr-connect`) and as FranceConnect's guidelines want
// it: the button, then the link "Qu'est-ce que FranceConnect ?" (a new window). Pressing it posts to
// the start route of its path (login, registration, verification), which answers FranceConnect's
// address: the browser goes there, and comes back to /franceconnect/retour (pages/franceconnect-retour.js).

import { Problem, SessionEnded } from "./api.js";
import { alert } from "./components.js";
import { h } from "./dom.js";

const WHAT_IS_IT = "https://franceconnect.gouv.fr/";

// `start`: an async function answering `{ url }` (the start route's 201). A refusal's `detail` is
// shown above the button, in a DSFR alert that takes the focus.
export function franceConnectButton({ start, login = "S’identifier avec" }) {
  const problem = h("div", { class: "mcf-franceconnect-erreur" });
  const button = h(
    "button",
    { class: "fr-connect", type: "button" },
    h("span", { class: "fr-connect__login" }, login),
    " ",
    h("span", { class: "fr-connect__brand" }, "FranceConnect"),
  );
  button.addEventListener("click", async () => {
    button.disabled = true;
    problem.replaceChildren();
    try {
      const { url } = await start();
      window.location.assign(url);
    } catch (error) {
      button.disabled = false;
      if (error instanceof SessionEnded) return;
      if (!(error instanceof Problem)) throw error;
      const shown = alert("error", error.detail, { role: "alert" });
      shown.classList.add("fr-mb-2w");
      shown.tabIndex = -1;
      problem.replaceChildren(shown);
      shown.focus();
    }
  });
  return h(
    "div",
    { class: "fr-connect-group" },
    problem,
    button,
    h(
      "p",
      {},
      h(
        "a",
        { href: WHAT_IS_IT, target: "_blank", rel: "noopener", title: "Qu’est-ce que FranceConnect ? - nouvelle fenêtre" },
        "Qu’est-ce que FranceConnect ?",
      ),
    ),
  );
}

// "ou", between FranceConnect and the form (the DSFR's separator).
export function or() {
  return h("p", { class: "fr-hr-or" }, "ou");
}
