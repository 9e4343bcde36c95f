/* Passkeys (WebAuthn): the "Add a passkey" block of /account/passkeys and the "Use a passkey" button
   of the sign-in's code step. The server makes the options and checks the answers
   (fieldapp/accounts/passkey_views.py); this file only turns JSON into the byte arrays the browser's
   navigator.credentials wants, and the answer back into JSON. */
(function () {
  "use strict";

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function bytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i += 1) out[i] = text.charCodeAt(i);
    return out.buffer;
  }

  function text(buffer) {
    var view = new Uint8Array(buffer), out = "";
    for (var i = 0; i < view.length; i += 1) out += String.fromCharCode(view[i]);
    return btoa(out).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body || {}),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error((data.error && data.error.message) || t("The server refused ({status}).", { status: response.status }));
        return data;
      });
    });
  }

  function descriptors(list) {
    return (list || []).map(function (item) { return Object.assign({}, item, { id: bytes(item.id) }); });
  }

  function credentialJSON(credential) {
    var response = credential.response, out = {
      id: credential.id, rawId: text(credential.rawId), type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      response: { clientDataJSON: text(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      out.response.attestationObject = text(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = text(response.authenticatorData);
      out.response.signature = text(response.signature);
      if (response.userHandle) out.response.userHandle = text(response.userHandle);
    }
    return out;
  }

  function explain(error) {
    if (error && error.name === "NotAllowedError") return t("The passkey was cancelled or timed out. Try again.");
    if (error && error.name === "InvalidStateError") return t("This passkey is already set up.");
    return (error && error.message) || t("The passkey did not work.");
  }

  function wire(block, run) {
    var button = block.querySelector("[data-passkey-start]"), message = block.querySelector("[data-passkey-error]");
    if (!window.PublicKeyCredential || !navigator.credentials) {
      message.textContent = t("This browser cannot use passkeys.");
      message.hidden = false;
      button.disabled = true;
      return;
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      message.hidden = true;
      run().then(function (data) { window.location.assign(data.next); }).catch(function (error) {
        message.textContent = explain(error);
        message.hidden = false;
        button.disabled = false;
      });
    });
  }

  document.querySelectorAll("[data-passkey-add]").forEach(function (block) {
    wire(block, function () {
      return post(block.dataset.options).then(function (options) {
        options.challenge = bytes(options.challenge);
        options.user.id = bytes(options.user.id);
        options.excludeCredentials = descriptors(options.excludeCredentials);
        return navigator.credentials.create({ publicKey: options });
      }).then(function (credential) {
        var name = block.querySelector("[name=name]").value;
        return post(block.dataset.save, { credential: credentialJSON(credential), name: name });
      });
    });
  });

  /* The idle lock's sheet (lock.js) offers "Use a passkey" to a user who has one. */
  if (window.FieldappLock && window.PublicKeyCredential && navigator.credentials) {
    window.FieldappLock.register("passkey", { label: t("Use a passkey"), fields: function () {
      return post("/unlock/passkey/options").then(function (options) {
        options.challenge = bytes(options.challenge);
        options.allowCredentials = descriptors(options.allowCredentials);
        return navigator.credentials.get({ publicKey: options });
      }).then(function (credential) { return { credential: credentialJSON(credential) }; });
    } });
  }

  document.querySelectorAll("[data-passkey-sign-in]").forEach(function (block) {
    wire(block, function () {
      return post(block.dataset.options).then(function (options) {
        options.challenge = bytes(options.challenge);
        options.allowCredentials = descriptors(options.allowCredentials);
        return navigator.credentials.get({ publicKey: options });
      }).then(function (credential) {
        return post(block.dataset.verify, { credential: credentialJSON(credential) });
      });
    });
  });
})();
