// A delegated account (/espace/comptes-delegues/:id): what a delegate may see of the holder's account,
// through GET /titulaire/comptes-delegues/{id} (the synthesis), .../heures and .../dossiers (never the
// confidential ones: the API leaves them out), and with `gestion` the form to prepare a dossier
// (POST .../dossiers, without "confidentiel"), which only the holder can validate. Every call checks
// the delegation again: once ended, the API answers 404 and the page says so.

import { holder, Problem } from "../api.js";
import { alert, button, buttons, link, statusBadge, summary, table } from "../components.js";
import { date, dateTime, h, hours, page } from "../dom.js";
import { SCOPE_SENTENCES } from "../delegations.js";
import { dossierFields } from "../dossier-form.js";
import { onSubmit } from "../forms.js";
import { displayName } from "../session.js";
import { movements } from "./espace-heures.js";
import { figure } from "./espace-synthese.js";

const BACK = () => h("p", { class: "fr-mt-4w" }, link("Retour à mes délégations", "/espace/delegations", { icon: "fr-icon-arrow-left-line" }));

// "Seul" or "Seule", as the holder's civility says.
function alone(account) {
  return account.civilite === "MME" ? "Seule" : "Seul";
}

function notice(account, name, delegation) {
  const scope = delegation ? SCOPE_SENTENCES[delegation.portee] : "l'accès à son compte";
  const until = delegation ? `, jusqu'au ${date(delegation.fin)} inclus` : "";
  return alert(
    "info",
    [
      `${name} vous confie ${scope}${until}. Vous agissez pour son compte, depuis votre propre espace, et cette personne peut y mettre fin à tout moment.`,
      `${alone(account)} ${name} peut valider ou clore un dossier de formation, renseigner son solde d'heures DIF ou modifier ses informations personnelles. ` +
        "Les dossiers que cette personne a déclarés confidentiels ne vous sont pas montrés.",
    ],
    { title: "Vous consultez ce compte en tant que délégataire" },
  );
}

function synthesis(account) {
  return h(
    "section",
    { "aria-labelledby": "synthese-deleguee" },
    h("h2", { class: "fr-h4", id: "synthese-deleguee" }, "Synthèse du compte"),
    h(
      "div",
      { class: "fr-grid-row fr-grid-row--gutters" },
      figure("Heures CPF disponibles", hours(account.heures_cpf_disponibles), "Les heures du compte personnel de formation.", null, { level: 3 }),
      account.heures_dif === null
        ? figure("Heures DIF", "Heures DIF non renseignées", `${alone(account)} ${displayName(account)} peut renseigner son solde d'heures DIF.`, null, { wordy: true, level: 3 })
        : figure("Heures DIF disponibles", hours(account.heures_dif), null, null, { level: 3 }),
      figure("Dossiers en cours", String(account.dossiers_en_cours), "Dossiers de formation en cours", null, { level: 3 }),
      figure("Dossiers clos", String(account.dossiers_clos), "Dossiers de formation clos", null, { level: 3 }),
    ),
  );
}

function statement(hoursStatement, name) {
  const reserved = hoursStatement.heures_dif_reservees + hoursStatement.heures_cpf_reservees;
  return h(
    "section",
    { "aria-labelledby": "heures-deleguees", class: "fr-mt-6w" },
    h("h2", { class: "fr-h4", id: "heures-deleguees" }, "Compte d'heures"),
    summary([
      ["Solde DIF", hoursStatement.solde_dif === null ? "non renseigné" : hours(hoursStatement.solde_dif)],
      ["Heures CPF", hours(hoursStatement.heures_cpf)],
      ["Heures réservées par des dossiers validés", reserved ? hours(reserved) : null],
      ["Heures disponibles", hours(hoursStatement.heures_libres)],
    ]),
    h("h3", { class: "fr-h5" }, "Mouvements"),
    movements(hoursStatement, `Mouvements du compte d'heures de ${name}, du plus récent au plus ancien`),
  );
}

function dossierList(dossiers, name) {
  return h(
    "section",
    { "aria-labelledby": "dossiers-delegues", class: "fr-mt-6w" },
    h("h2", { class: "fr-h4", id: "dossiers-delegues" }, "Dossiers de formation"),
    dossiers.length
      ? table(
          `Dossiers de formation de ${name}, du plus récent au plus ancien`,
          ["Intitulé", "Organisme", "Heures", "Statut", "Créé le"],
          dossiers.map((dossier) => [dossier.intitule, dossier.organisme, hours(dossier.heures), statusBadge(dossier.statut), dateTime(dossier.cree_le)]),
          { multiline: true },
        )
      : h("p", {}, "Aucun dossier de formation à afficher."),
  );
}

function dossierForm(path, account, name, show) {
  const form = h(
    "form",
    { "aria-labelledby": "preparer-dossier" },
    h("h2", { class: "fr-h4", id: "preparer-dossier" }, "Préparer un dossier de formation"),
    h(
      "p",
      {},
      `Le dossier sera créé « en cours d'élaboration » dans le compte de ${name}, qui est ${alone(account).toLowerCase()} à pouvoir le valider ` +
        "pour réserver ses heures. Un dossier préparé par un délégataire ne peut pas être confidentiel.",
    ),
    dossierFields({ confidential: false }),
    buttons(button("Créer le dossier", { type: "submit", icon: "fr-icon-check-line" })),
  );
  return onSubmit(form, async (values) => {
    try {
      const dossier = await holder.post(`${path}/dossiers`, values);
      await show(`Le dossier de formation « ${dossier.intitule} » a bien été créé dans le compte de ${name}. Cette personne pourra le valider depuis son espace.`);
    } catch (error) {
      if (error instanceof Problem && error.code === "dif_non_renseigne") {
        error.next = `${alone(account)} ${name} peut renseigner son solde d'heures DIF, depuis son propre espace.`;
      }
      throw error;
    }
  });
}

export async function render({ params }) {
  const path = `/titulaire/comptes-delegues/${encodeURIComponent(params.id)}`;
  const content = page("Compte délégué");
  const body = h("div");
  content.append(body);
  const show = async (message) => {
    let account, hoursStatement, found, delegated;
    try {
      [account, hoursStatement, { dossiers: found }, { comptes: delegated }] = await Promise.all([
        holder.get(path),
        holder.get(`${path}/heures`),
        holder.get(`${path}/dossiers`),
        holder.get("/titulaire/comptes-delegues"),
      ]);
    } catch (error) {
      if (!(error instanceof Problem) || error.status !== 404) throw error;
      content.querySelector("h1").textContent = "Compte délégué";
      document.title = "Compte délégué - Mon Compte Formation";
      body.replaceChildren(alert("error", error.detail, { role: "alert" }), BACK());
      return;
    }
    const delegation = delegated.find((item) => item.delegation_id === params.id);
    const name = displayName(account);
    content.querySelector("h1").textContent = `Compte de ${name}`;
    document.title = `Compte de ${name} - Mon Compte Formation`;
    const done = message ? alert("success", message, { role: "status" }) : null;
    body.replaceChildren(
      ...[
        done,
        notice(account, name, delegation),
        synthesis(account),
        statement(hoursStatement, name),
        dossierList(found, name),
        delegation?.portee === "gestion" ? h("div", { class: "mcf-bloc fr-mt-6w" }, dossierForm(path, account, name, show)) : null,
        BACK(),
      ].filter(Boolean),
    );
    if (done) {
      done.tabIndex = -1;
      done.focus();
    }
  };
  await show(null);
  return content;
}
