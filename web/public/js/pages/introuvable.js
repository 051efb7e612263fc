// A path that is no page of the portal.

import { link } from "../components.js";
import { h, page } from "../dom.js";

export const title = "Page non trouvée";

export async function render() {
  return page(
    "Page non trouvée",
    h("p", { class: "fr-text--sm" }, "Erreur 404"),
    h("p", { class: "fr-text--lead" }, "La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée."),
    h("p", {}, "Si vous avez tapé l'adresse web dans le navigateur, vérifiez qu'elle est correcte. Si vous avez suivi le lien d'un courriel, copiez-le en entier."),
    h("p", {}, link("Page d'accueil", "/")),
  );
}
