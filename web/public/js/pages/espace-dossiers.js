// "Mes dossiers de formation" (GET /titulaire/dossiers): those in progress, those closed, and the
// way to create one.

import { holder } from "../api.js";
import { linkButton, statusBadge, table } from "../components.js";
import { h, hours, page } from "../dom.js";

export const title = "Mes dossiers de formation";

function named(dossier) {
  return [
    h("a", { href: `/espace/dossiers/${encodeURIComponent(dossier.id)}` }, dossier.intitule),
    dossier.confidentiel ? [" ", h("span", { class: "fr-badge fr-badge--sm fr-badge--no-icon" }, "Confidentiel")] : null,
  ];
}

function list(caption, dossiers, empty) {
  if (!dossiers.length) return h("p", {}, empty);
  return table(
    caption,
    ["Intitulé", "Organisme", "Heures", "Statut"],
    dossiers.map((dossier) => [named(dossier), dossier.organisme, hours(dossier.heures), statusBadge(dossier.statut)]),
  );
}

export async function render() {
  const { dossiers } = await holder.get("/titulaire/dossiers");
  const inProgress = dossiers.filter((dossier) => dossier.statut !== "clos");
  const closed = dossiers.filter((dossier) => dossier.statut === "clos");
  return page(
    "Mes dossiers de formation",
    h("p", {}, linkButton("Créer un dossier de formation", "/espace/dossiers/nouveau", { icon: "fr-icon-add-line" })),
    h("h2", { class: "fr-h4 fr-mt-4w" }, "Dossiers en cours"),
    list("Dossiers de formation en cours", inProgress, "Aucun dossier de formation en cours."),
    h("h2", { class: "fr-h4 fr-mt-4w" }, "Dossiers clos"),
    list("Dossiers de formation clos", closed, "Aucun dossier de formation clos."),
  );
}
