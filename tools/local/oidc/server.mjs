// The local OpenID provider standing in for FranceConnect and ProConnect (contract §14 and §16):
// two instances of panva's certified oidc-provider, mounted at /franceconnect and /proconnect on one
// node http server that listens on the loopback interface only. Never deployed: `make run` and the
// tests start it (tools/local_stack.py). README.md beside this file says what it does and why.
//
// Environment: OIDC_PORT (default 9000), PUBLIC_BASE_URL (the portal, for the clients' redirect_uri;
// default http://127.0.0.1:8000), OIDC_IDENTITIES_FILE (default: identities.json beside this file),
// FRANCECONNECT_CLIENT_ID / _SECRET and PROCONNECT_CLIENT_ID / _SECRET (the local defaults below).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1'; // loopback only: this provider logs anyone in as anyone
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PORT = Number.parseInt(process.env.OIDC_PORT || '9000', 10);
const PUBLIC_BASE_URL = (process.env.PUBLIC_BASE_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
const IDENTITIES_FILE = path.resolve(process.env.OIDC_IDENTITIES_FILE || path.join(HERE, 'identities.json'));
const ORIGIN = `http://${HOST}:${PORT}`;

function fail(message) {
  console.error(`Fournisseur OpenID local : ${message}`);
  process.exit(2);
}

if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) fail(`OIDC_PORT n'est pas un numéro de port : ${process.env.OIDC_PORT}`);

// The two federations: what each asks of its people, its client, its claims.
const FEDERATIONS = {
  franceconnect: {
    title: 'FranceConnect',
    fields: ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry'],
    client: {
      client_id: process.env.FRANCECONNECT_CLIENT_ID || 'mon-compte-formation',
      client_secret: process.env.FRANCECONNECT_CLIENT_SECRET || 'secret-local-franceconnect-mon-compte-formation-0001',
      redirect_uris: [`${PUBLIC_BASE_URL}/franceconnect/retour`],
    },
  },
  proconnect: {
    title: 'ProConnect',
    fields: ['email', 'given_name', 'usual_name', 'siret'],
    client: {
      client_id: process.env.PROCONNECT_CLIENT_ID || 'mon-compte-formation-pro',
      client_secret: process.env.PROCONNECT_CLIENT_SECRET || 'secret-local-proconnect-mon-compte-formation-0001',
      redirect_uris: [`${PUBLIC_BASE_URL}/proconnect/retour`],
    },
  },
};

// The people: read once at start, checked, so that a wrong file says what is wrong at once.
function readIdentities(file) {
  let document;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`OIDC_IDENTITIES_FILE illisible (${file}) : ${error.message}`);
  }
  const people = {};
  for (const [name, federation] of Object.entries(FEDERATIONS)) {
    const list = document?.[name] ?? [];
    if (!Array.isArray(list)) fail(`${file} : "${name}" doit être une liste`);
    const byId = new Map();
    const subs = new Set();
    for (const [index, person] of list.entries()) {
      const where = `${file} : ${name}[${index}]`;
      for (const field of ['id', 'sub', ...federation.fields]) {
        if (typeof person?.[field] !== 'string') fail(`${where} : le champ "${field}" (texte) manque`);
      }
      if (!person.id || !person.sub) fail(`${where} : "id" et "sub" ne peuvent être vides`);
      if (byId.has(person.id)) fail(`${where} : l'identifiant "${person.id}" est déjà pris`);
      if (subs.has(person.sub)) fail(`${where} : le sub "${person.sub}" est déjà pris`);
      if (name === 'proconnect' && !(Array.isArray(person.amr) && person.amr.every((v) => typeof v === 'string'))) {
        fail(`${where} : "amr" doit être une liste de textes (par exemple ["pwd", "mfa"])`);
      }
      byId.set(person.id, person);
      subs.add(person.sub);
    }
    people[name] = byId;
  }
  return people;
}

const PEOPLE = readIdentities(IDENTITIES_FILE);

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function page(title, body) {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 40rem; padding: 1rem; line-height: 1.5; color: #161616; }
ul { list-style: none; padding: 0; }
li { margin: 0.5rem 0; }
button { font: inherit; padding: 0.5rem 1rem; cursor: pointer; border: 1px solid #000091; border-radius: 0.25rem; }
button.identite { width: 100%; text-align: left; background: #f5f5fe; color: #000091; }
button.annuler { background: #fff; color: #161616; border-color: #161616; }
button:focus-visible { outline: 3px solid #0a76f6; outline-offset: 2px; }
.note { color: #3a3a3a; font-size: 0.9rem; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function loginPage(name, uid, client, hint) {
  const { title } = FEDERATIONS[name];
  const people = [...PEOPLE[name].values()];
  const action = `/${name}/interaction/${encodeURIComponent(uid)}`;
  const items = people.map((person) => {
    const shown = name === 'proconnect'
      ? `${person.given_name} ${person.usual_name}`
      : `${person.given_name} ${person.family_name}`;
    const detail = name === 'proconnect' ? `${person.email}, SIRET ${person.siret}` : person.birthdate;
    return `<li><button class="identite" type="submit" name="identite" value="${escapeHtml(person.id)}">`
      + `${escapeHtml(shown)} <span class="note">(${escapeHtml(person.id)} ; ${escapeHtml(detail)})</span></button></li>`;
  }).join('\n');
  const unknown = hint
    ? `<p role="status">Aucune identité de test ne porte l'identifiant « ${escapeHtml(hint)} » : choisissez-en une.</p>`
    : '';
  return page(`${title} (fournisseur local) : choisissez une identité`, `
<h1>${escapeHtml(title)} (fournisseur local de test)</h1>
<p>Le service « ${escapeHtml(client)} » demande à vous identifier. Ce fournisseur local tient lieu de
${escapeHtml(title)} pour les développements et les tests : choisissez l'identité de test avec laquelle vous connecter.</p>
${unknown}
<form method="post" action="${action}/connexion">
<fieldset>
<legend>Identités de test</legend>
<ul>
${items || '<li>Aucune identité de test dans ce fichier.</li>'}
</ul>
</fieldset>
</form>
<form method="post" action="${action}/annulation">
<p><button class="annuler" type="submit">Annuler</button></p>
</form>`);
}

// One oidc-provider per federation. Everything not set here keeps oidc-provider's default.
function makeProvider(name) {
  const federation = FEDERATIONS[name];
  const people = PEOPLE[name];
  const bySub = new Map([...people.values()].map((person) => [person.sub, person]));
  const claims = { openid: ['sub'] };
  for (const field of federation.fields) claims[field] = [field]; // one scope per claim, as FranceConnect
  if (name === 'proconnect') claims.openid.push('amr'); // with the openid scope: in every ID token, from the login
  const ttl = 10 * 60;
  // Its own signing key, made at start: a restart invalidates whatever it signed before.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: `${name}-${randomBytes(8).toString('hex')}`, alg: 'RS256', use: 'sig' };

  const provider = new Provider(`${ORIGIN}/${name}`, {
    clients: [{
      ...federation.client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
      userinfo_signed_response_alg: 'RS256', // userinfo answers a signed JWT, as FranceConnect v2
    }],
    jwks: { keys: [jwk] },
    cookies: {
      keys: [randomBytes(32).toString('hex')],
      // Two providers on one host: names of their own, so that neither reads the other's.
      names: { session: `_${name}_session`, interaction: `_${name}_interaction`, resume: `_${name}_interaction_resume` },
    },
    claims,
    scopes: ['openid'],
    acrValues: ['eidas1'],
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_post'],
    pkce: { required: () => true }, // S256 only (oidc-provider 9 knows no other method)
    features: {
      devInteractions: { enabled: false }, // our own page below
      jwtUserinfo: { enabled: true },
      userinfo: { enabled: true },
      revocation: { enabled: false },
      introspection: { enabled: false },
      pushedAuthorizationRequests: { enabled: false }, // §14's authorization request is in the URL
    },
    ttl: { AuthorizationCode: 60, AccessToken: ttl, IdToken: ttl, Interaction: ttl, Session: ttl, Grant: ttl },
    interactions: { url: (ctx, interaction) => `${ORIGIN}/${name}/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const person = bySub.get(sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        async claims() {
          const out = { sub };
          for (const field of federation.fields) out[field] = person[field];
          return out;
        },
      };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      const lines = Object.entries(out).map(([k, v]) => `<li><code>${escapeHtml(k)}</code> : ${escapeHtml(v)}</li>`).join('\n');
      ctx.body = page(`${federation.title} (fournisseur local) : erreur`, `
<h1>${escapeHtml(federation.title)} (fournisseur local) : la demande est refusée</h1>
<ul>
${lines}
</ul>`);
    },
  });
  provider.on('server_error', (ctx, error) => console.error(`${name}: ${error.stack || error}`));
  return provider;
}

const PROVIDERS = Object.fromEntries(Object.keys(FEDERATIONS).map((name) => [name, makeProvider(name)]));
const CALLBACKS = Object.fromEntries(Object.entries(PROVIDERS).map(([name, provider]) => [name, provider.callback()]));

// A person chose (or login_hint named) an identity: logged in, and the scopes asked for granted
// (consent is implied on this local provider).
async function logIn(name, req, res, details, person) {
  const provider = PROVIDERS[name];
  const grant = new provider.Grant({ accountId: person.sub, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope || 'openid'));
  const login = { accountId: person.sub, remember: false, acr: 'eidas1', ...(name === 'proconnect' ? { amr: person.amr } : {}) };
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login, consent: { grantId } }, { mergeWithLastSubmission: false });
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

// /<name>/interaction/<uid>[/connexion|/annulation]: our login page, answered before oidc-provider.
async function interaction(name, req, res, uid, action) {
  const provider = PROVIDERS[name];
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    send(res, 400, 'text/html; charset=utf-8', page('Demande expirée', '<h1>Cette demande de connexion a expiré</h1><p>Recommencez depuis le service.</p>'));
    return;
  }
  if (details.uid !== uid) {
    send(res, 400, 'text/html; charset=utf-8', page('Demande inconnue', '<h1>Cette demande de connexion est inconnue</h1>'));
    return;
  }
  const hint = details.params.login_hint;
  if (req.method === 'GET' && !action) {
    if (hint && PEOPLE[name].has(hint)) return logIn(name, req, res, details, PEOPLE[name].get(hint));
    send(res, 200, 'text/html; charset=utf-8', loginPage(name, uid, details.params.client_id, hint));
    return;
  }
  if (req.method === 'POST' && action === 'connexion') {
    const chosen = (await readForm(req)).get('identite');
    if (!PEOPLE[name].has(chosen)) {
      send(res, 400, 'text/html; charset=utf-8', loginPage(name, uid, details.params.client_id, chosen || ''));
      return;
    }
    return logIn(name, req, res, details, PEOPLE[name].get(chosen));
  }
  if (req.method === 'POST' && action === 'annulation') {
    await readForm(req);
    const result = { error: 'access_denied', error_description: "La personne a annulé la connexion." };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    return;
  }
  send(res, 405, 'text/plain; charset=utf-8', 'Méthode non permise');
}

// Hands a request to a provider as if it were mounted there (oidc-provider reads the mount from
// req.originalUrl, as under express).
function toProvider(name, req, res) {
  req.originalUrl = req.url;
  req.url = req.url.slice(name.length + 1) || '/';
  return CALLBACKS[name](req, res);
}

// login_hint naming a known identity: the provider's own redirects (authorization, this login,
// resumption) are followed here, cookies kept between them, so that the caller gets one redirect
// to its redirect_uri with the code, and no page. Any other answer on the way is handed back as is.
async function authorizeWithHint(req, res) {
  const jar = new Map();
  let url = ORIGIN + req.url;
  for (let hop = 0; hop < 6; hop += 1) {
    const headers = { accept: 'text/html', 'x-oidc-local-hint': '1' };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const answer = await fetch(url, { redirect: 'manual', headers });
    for (const cookie of answer.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    const location = answer.headers.get('location');
    const next = location && new URL(location, url);
    if (next && answer.status >= 300 && answer.status < 400 && next.origin === ORIGIN) {
      url = next.href;
      continue;
    }
    const out = { 'Cache-Control': 'no-store' };
    for (const header of ['location', 'content-type']) {
      if (answer.headers.get(header)) out[header] = answer.headers.get(header);
    }
    res.writeHead(answer.status, out);
    res.end(Buffer.from(await answer.arrayBuffer()));
    return;
  }
  send(res, 508, 'text/plain; charset=utf-8', 'Trop de redirections');
}

function indexPage() {
  const items = Object.entries(FEDERATIONS).map(([name, { title }]) => {
    const issuer = `${ORIGIN}/${name}`;
    return `<li>${escapeHtml(title)} : <a href="${issuer}/.well-known/openid-configuration">${escapeHtml(issuer)}</a> (${PEOPLE[name].size} identités)</li>`;
  }).join('\n');
  return page('Fournisseur OpenID local', `
<h1>Fournisseur OpenID local (FranceConnect et ProConnect)</h1>
<ul>
${items}
</ul>
<p class="note">Identités : ${escapeHtml(IDENTITIES_FILE)}</p>`);
}

async function route(req, res) {
  const { pathname, searchParams } = new URL(req.url, ORIGIN);
  const [, name, ...rest] = pathname.split('/');
  if (!name) return send(res, 200, 'text/html; charset=utf-8', indexPage());
  if (!PROVIDERS[name]) return send(res, 404, 'text/plain; charset=utf-8', 'Introuvable');
  if (rest[0] === 'interaction' && rest[1] && rest.length <= 3) {
    return interaction(name, req, res, decodeURIComponent(rest[1]), rest[2]);
  }
  if (rest[0] === 'auth' && rest.length <= 2) {
    // Every authorization asks again who one is: a session left by an earlier login (the browser
    // keeps its cookie) must neither log the next test in as that person nor, at the resumption
    // (/auth/<uid>), stand against the person just chosen.
    if (req.headers.cookie) {
      const prefix = `_${name}_session`;
      req.headers.cookie = req.headers.cookie.split(';').filter((c) => !c.trim().startsWith(prefix)).join(';');
    }
    const hint = searchParams.get('login_hint');
    if (rest.length === 1 && req.method === 'GET' && hint && PEOPLE[name].has(hint) && !req.headers['x-oidc-local-hint']) {
      return authorizeWithHint(req, res);
    }
  }
  return toProvider(name, req, res);
}

const server = http.createServer((req, res) => {
  route(req, res).catch((error) => {
    console.error(error.stack || error);
    if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Erreur interne du fournisseur local');
    else res.end();
  });
});

server.on('error', (error) => fail(`impossible d'écouter sur ${HOST}:${PORT} (${error.code || error.message})`));
server.listen(PORT, HOST, () => {
  const counts = Object.keys(FEDERATIONS).map((name) => `${ORIGIN}/${name} (${PEOPLE[name].size} identités)`);
  console.log(`Fournisseur OpenID local : ${counts.join(', ')} ; identités lues dans ${IDENTITIES_FILE}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
