// "Synthèse de votre compte" (GET /titulaire): the hours, and the dossiers in progress and closed;
// "Vérifier mon identité" with FranceConnect (POST /titulaire/identite/franceconnect) until
// `identite_verifiee`, then the verified state.

import { holder } from "../api.js";
import { alert, link } from "../components.js";
import { h, hours, page } from "../dom.js";
import { franceConnectButton } from "../franceconnect.js";

export const title = "Synthèse de votre compte";

// Also the figures of a delegated account (pages/espace-compte-delegue.js).
export function figure(heading, value, text, action, { wordy = false, level = 2 } = {}) {
  return h(
    "div",
    { class: "fr-col-12 fr-col-md-6" },
    h(
      "section",
      { class: "mcf-chiffre", "aria-label": heading },
      h(`h${level}`, { class: "fr-h6 fr-mb-1w" }, heading),
      h("p", { class: `mcf-chiffre__valeur${wordy ? " mcf-chiffre__valeur--texte" : ""} fr-mb-1w` }, value),
      text ? h("p", { class: "fr-text--sm fr-mb-1w" }, text) : null,
      action ? h("p", { class: "fr-mb-0" }, action) : null,
    ),
  );
}

// The account's address bounced or was reported as spam (contract §10): nothing more reaches it.
function invalidEmail() {
  return h(
    "div",
    { class: "fr-mb-3w" },
    alert(
      "warning",
      [
        "Les courriels envoyés à l'adresse de votre compte ne vous parviennent pas : ils nous sont revenus, ou ont été signalés comme indésirables. " +
          "Nous n'envoyons plus rien à cette adresse, sauf ce que vous demandez vous-même.",
        link("Changer mon adresse courriel", "/espace/informations", { icon: "fr-icon-arrow-right-line" }),
      ],
      { title: "Votre adresse courriel ne fonctionne plus" },
    ),
  );
}

// Contract §14: a verified identity binds the account to its person (and is needed to give a
// "gestion" délégation or to transmit a dossier).
function identity(verified) {
  const heading = h("h2", { id: "verifier-identite", class: "fr-h5" }, verified ? "Mon identité" : "Vérifier mon identité");
  if (verified) {
    return h(
      "section",
      { class: "mcf-bloc fr-mt-4w", "aria-labelledby": "verifier-identite" },
      heading,
      h("p", { class: "fr-badge fr-badge--success fr-mb-1w" }, "Identité vérifiée"),
      h("p", { class: "fr-mb-0" }, "Votre identité a été vérifiée avec FranceConnect : vous pouvez aussi vous connecter avec FranceConnect."),
    );
  }
  return h(
    "section",
    { class: "mcf-bloc fr-mt-4w", "aria-labelledby": "verifier-identite" },
    heading,
    h(
      "p",
      {},
      "Vérifiez votre identité avec FranceConnect : elle protège votre compte, est nécessaire pour confier la gestion de votre compte " +
        "ou transmettre un dossier, et vous permet ensuite de vous connecter avec FranceConnect.",
    ),
    franceConnectButton({ start: () => holder.post("/titulaire/identite/franceconnect") }),
  );
}

export async function render() {
  const account = await holder.get("/titulaire");
  const dif =
    account.heures_dif === null
      ? figure(
          "Heures DIF",
          "Heures DIF non renseignées",
          "Vous devez renseigner le solde d'heures DIF dont vous disposez (même si celui-ci est à 0).",
          link("Renseigner mon solde d'heures DIF", "/espace/heures", { icon: "fr-icon-arrow-right-line" }),
          { wordy: true },
        )
      : figure(
          "Heures DIF disponibles",
          hours(account.heures_dif),
          account.dif_modifiable
            ? "Vous pouvez modifier le solde tant qu'aucun dossier de formation n'a été validé."
            : "Un dossier de formation a été validé : le solde DIF n'est plus modifiable.",
          link("Mon compte d'heures", "/espace/heures", { icon: "fr-icon-arrow-right-line" }),
        );
  return page(
    "Synthèse de votre compte",
    account.courriel_invalide ? invalidEmail() : null,
    h("p", { class: "fr-text--lead" }, `Bonjour ${[account.prenom, account.nom_naissance].filter(Boolean).join(" ")}`),
    h(
      "div",
      { class: "fr-grid-row fr-grid-row--gutters" },
      figure("Heures CPF disponibles", hours(account.heures_cpf_disponibles), "Les heures du compte personnel de formation.", null),
      dif,
      figure(
        "Dossiers en cours",
        String(account.dossiers_en_cours),
        "Dossiers de formation en cours",
        link("Mes dossiers de formation", "/espace/dossiers", { icon: "fr-icon-arrow-right-line" }),
      ),
      figure("Dossiers clos", String(account.dossiers_clos), "Dossiers de formation clos", null),
    ),
    identity(account.identite_verifiee),
  );
}
