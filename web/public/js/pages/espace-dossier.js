// One training dossier: its details and the next step of its life, "Valider le dossier"
// (hours reserved, the DIF locked) then "Clore le dossier" (hours debited, a movement recorded).

import { holder, Problem } from "../api.js";
import { alert, button, buttons, link, statusBadge, statusLabel, summary } from "../components.js";
import { date, dateTime, h, hours, page } from "../dom.js";

const ACTIONS = {
  en_cours_elaboration: {
    path: "validation",
    label: "Valider le dossier",
    explanation:
      "Valider le dossier réserve ses heures sur votre compte (les heures DIF d'abord, puis les heures CPF). " +
      "Attention : lorsque le dossier de formation est validé, il n'est plus possible de saisir ou de modifier le DIF.",
    done: () => "Le dossier de formation a bien été validé : ses heures sont réservées.",
  },
  valide: {
    path: "cloture",
    label: "Clore le dossier",
    explanation: "Clore le dossier débite les heures réservées de votre compte : elles apparaîtront dans les mouvements de votre compte d'heures.",
    done: (dossier) => `Le dossier de formation a bien été clos : ${hours(dossier.heures)} ont été débitées de votre compte.`,
  },
};

function details(dossier) {
  return summary([
    ["Statut", statusBadge(dossier.statut)],
    ["Organisme de formation", dossier.organisme],
    ["Nombre d'heures", hours(dossier.heures)],
    ["Code CPF", dossier.code_cpf],
    ["Date de début", date(dossier.date_debut)],
    ["Confidentialité", dossier.confidentiel ? "Dossier confidentiel" : null],
    ["Créé le", dateTime(dossier.cree_le)],
    ["Validé le", dateTime(dossier.valide_le)],
    ["Clos le", dateTime(dossier.clos_le)],
  ]);
}

export async function render({ params }) {
  const path = `/titulaire/dossiers/${encodeURIComponent(params.id)}`;
  const content = page("Dossier de formation");
  const body = h("div");
  content.append(body);
  const show = (dossier, message) => {
    content.querySelector(".mcf-annonce")?.remove(); // the message of the previous step is replaced by this one
    content.querySelector("h1").textContent = dossier.intitule;
    document.title = `${dossier.intitule} - ${statusLabel(dossier.statut)} - Mon Compte Formation`;
    const action = ACTIONS[dossier.statut];
    const outcome = h("div", { role: "status" }, message ? alert("success", message) : null);
    const next = action
      ? h(
          "section",
          { class: "mcf-bloc fr-mt-3w", "aria-labelledby": "etape-suivante" },
          h("h2", { class: "fr-h5", id: "etape-suivante" }, action.label),
          h("p", {}, action.explanation),
          buttons(
            button(action.label, {
              icon: "fr-icon-check-line",
              onclick: async (event) => {
                const clicked = event.currentTarget;
                clicked.disabled = true;
                try {
                  const changed = await holder.post(`${path}/${action.path}`);
                  show(changed, action.done(changed));
                  body.querySelector("[role=status] .fr-alert")?.focus();
                } catch (error) {
                  if (!(error instanceof Problem)) throw error;
                  outcome.replaceChildren(alert("error", error.detail));
                  clicked.disabled = false;
                }
              },
            }),
          ),
        )
      : alert("info", "Ce dossier est clos : ses heures ont été débitées de votre compte (voir Mon compte d'heures).");
    body.replaceChildren(outcome, details(dossier), next, h("p", { class: "fr-mt-4w" }, link("Retour à mes dossiers de formation", "/espace/dossiers", { icon: "fr-icon-arrow-left-line" })));
    body.querySelector("[role=status] .fr-alert")?.setAttribute("tabindex", "-1");
  };
  try {
    show(await holder.get(path), null);
  } catch (error) {
    if (!(error instanceof Problem) || error.status !== 404) throw error;
    body.replaceChildren(alert("error", error.detail), h("p", { class: "fr-mt-2w" }, link("Retour à mes dossiers de formation", "/espace/dossiers")));
  }
  return content;
}
