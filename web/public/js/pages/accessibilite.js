// The accessibility statement every French public service publishes (loi n° 2005-102, article 47).

import { h, page } from "../dom.js";

export const title = "Accessibilité";

export async function render() {
  return page(
    "Accessibilité",
    h("p", {}, "Mon Compte Formation s'engage à rendre son service accessible, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005."),
    h("h2", {}, "État de conformité"),
    h(
      "p",
      {},
      "Ce service n'a pas encore fait l'objet d'un audit de conformité au référentiel général d'amélioration de l'accessibilité (RGAA) : il est donc déclaré non conforme. ",
      "Il est construit avec le Système de design de l'État (DSFR) et chacune de ses pages est vérifiée automatiquement, ainsi que le parcours complet au clavier, à chaque modification.",
    ),
    h("h2", {}, "Alternative au contrôle de sécurité"),
    h("p", {}, "Le contrôle de sécurité de l'inscription propose une version sonore des caractères à recopier (bouton « Écouter la version sonore »)."),
  );
}
