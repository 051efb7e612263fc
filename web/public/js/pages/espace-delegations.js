// "Mes délégations": in the tutorial's menu already; the API's routes (api.md §6) come next. This
// page says so until they are there (see web/README.md, "Ajouter les délégations").

import { alert } from "../components.js";
import { h, page } from "../dom.js";

export const title = "Mes délégations";

export async function render() {
  return page(
    "Mes délégations",
    alert("info", [
      "Ce service sera bientôt disponible.",
      "Vous pourrez permettre à une autre personne, par exemple votre employeur ou un conseiller en évolution professionnelle, " +
        "de consulter votre compte ou de préparer vos dossiers de formation, et mettre fin à cette délégation à tout moment.",
    ], { title: "Bientôt disponible" }),
    h("p", { class: "fr-mt-3w" }, "Les délégations que d'autres titulaires vous ont données apparaîtront aussi sur cette page."),
  );
}
