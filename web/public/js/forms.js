// Forms over the API: the values as the API names them, and its answer shown where it belongs.
// A problem document's `detail` goes in an alert at the top of the form (focused, so that it is read
// first), and each `erreurs` message beside its field, found by `data-champ` (components.js).

import { Problem, SessionEnded } from "./api.js";
import { h } from "./dom.js";
import { alert } from "./components.js";
import { markRuleErrors } from "./password-rules.js";

// What a form field holds, as the API wants it: booleans for check boxes, numbers for fields marked
// data-type="number" (a comma is accepted as the decimal mark), text as typed otherwise.
export function values(form) {
  const found = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled) continue;
    if (element.type === "checkbox") found[element.name] = element.checked;
    else if (element.type === "radio") {
      if (element.checked) found[element.name] = element.value;
    } else if (element.dataset.type === "number") {
      const typed = element.value.trim().replace(",", ".");
      if (typed === "") continue; // the API says the field is required
      const number = Number(typed);
      found[element.name] = Number.isFinite(number) ? number : element.value; // not a number: the API says so
    } else found[element.name] = element.value;
  }
  return found;
}

const ERROR_CLASSES = {
  "fr-input-group": "fr-input-group--error",
  "fr-fieldset": "fr-fieldset--error",
  "fr-checkbox-group": "fr-checkbox-group--error",
  "fr-password": "fr-input-group--error",
};

function errorClass(group) {
  return Object.entries(ERROR_CLASSES).find(([base]) => group.classList.contains(base))?.[1];
}

export function clearErrors(form) {
  form.querySelector(":scope > .mcf-resume-erreurs")?.remove();
  for (const group of form.querySelectorAll("[data-champ]")) {
    group.classList.remove(errorClass(group));
    group.querySelectorAll(".fr-input").forEach((field) => {
      field.classList.remove("fr-input--error");
      field.removeAttribute("aria-invalid");
    });
    group.querySelectorAll(".mcf-message-erreur").forEach((message) => message.remove());
  }
}

export function showProblem(form, problem) {
  clearErrors(form);
  const elsewhere = [];
  for (const error of problem.erreurs) {
    const group = form.querySelector(`[data-champ="${CSS.escape(error.champ)}"]`);
    if (!group) {
      elsewhere.push(error.message);
      continue;
    }
    group.classList.add(errorClass(group));
    group.querySelectorAll("input.fr-input").forEach((field) => {
      field.classList.add("fr-input--error");
      field.setAttribute("aria-invalid", "true");
    });
    group.querySelectorAll('input[type="radio"], input[type="checkbox"]:not([id$="-afficher"])').forEach((field) => {
      field.setAttribute("aria-invalid", "true");
    });
    // A password rule that is not met is flagged in the checklist itself, not repeated under it.
    if (markRuleErrors(group, error.code)) continue;
    group.querySelector(".fr-messages-group").append(
      h("p", { class: "fr-message fr-message--error mcf-message-erreur" }, error.message),
    );
  }
  const details = [problem.detail];
  const repeated = new Set([problem.detail]);
  for (const message of elsewhere) if (!repeated.has(message)) details.push(message);
  if (problem.next) details.push(h("p", {}, problem.next)); // a page may add the way out (a link)
  const summary = alert("error", details, { role: "alert" });
  summary.classList.add("mcf-resume-erreurs", "fr-mb-3w");
  summary.tabIndex = -1;
  form.prepend(summary);
  summary.focus();
}

// Submits `form` with `send(values)`; shows a Problem; ignores a SessionEnded (the login page is
// already back). The submit buttons are disabled while the request runs, against double sends.
export function onSubmit(form, send) {
  form.noValidate = true; // the API's messages, in French and beside each field, rather than the browser's
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submitters = [...form.querySelectorAll('button[type="submit"]')];
    submitters.forEach((button) => (button.disabled = true));
    form.setAttribute("aria-busy", "true");
    try {
      clearErrors(form);
      await send(values(form), event.submitter);
    } catch (error) {
      if (error instanceof SessionEnded) return;
      if (!(error instanceof Problem)) throw error;
      if (form.isConnected) showProblem(form, error);
    } finally {
      submitters.forEach((button) => (button.disabled = false));
      form.removeAttribute("aria-busy");
    }
  });
  return form;
}
