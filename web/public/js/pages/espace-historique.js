// "Consulter mon historique" (GET /titulaire/historique): every change to the account, newest first,
// 20 at a time; "Afficher les événements plus anciens" follows the API's cursor.

import { holder } from "../api.js";
import { button, buttons, table } from "../components.js";
import { dateTime, h, page } from "../dom.js";

export const title = "Consulter mon historique";

export async function render() {
  const first = await holder.get("/titulaire/historique");
  const history = table("Historique de votre compte, du plus récent au plus ancien", ["Date", "Événement"], []);
  const rows = history.querySelector("tbody");
  const more = h("div");
  const add = (events) => {
    const added = events.map((event) => h("tr", {}, h("td", {}, dateTime(event.date)), h("td", {}, event.detail)));
    rows.append(...added);
    return added[0];
  };
  const offerMore = (cursor) => {
    more.replaceChildren(
      cursor
        ? buttons(
            button("Afficher les événements plus anciens", {
              kind: "secondary",
              icon: "fr-icon-arrow-down-line",
              onclick: async () => {
                const next = await holder.get(`/titulaire/historique?curseur=${encodeURIComponent(cursor)}`);
                const firstAdded = add(next.evenements);
                offerMore(next.curseur_suivant);
                // The keyboard goes on from the first event just shown.
                if (firstAdded) {
                  firstAdded.firstChild.tabIndex = -1;
                  firstAdded.firstChild.focus();
                }
              },
            }),
          )
        : "",
    );
  };
  add(first.evenements);
  offerMore(first.curseur_suivant);
  return page(
    "Consulter mon historique",
    h("p", {}, "Chaque modification de votre compte, de la plus récente à la plus ancienne."),
    history,
    more,
  );
}
