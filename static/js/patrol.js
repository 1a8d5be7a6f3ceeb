// The patrol form (venues.patrol_views) on a phone with a weak signal.
//
// - The form is kept in this browser (localStorage, one draft per venue) on every change and
//   filled in again when the page is opened: after a reload, a lost signal, going back, or
//   signing in again after the session ended.
// - The draft carries the submission id made when the form was first opened, so sending it
//   again (twice, or after a sign-in) never records a second patrol: the server shows the
//   record it already made.
// - Photos are made smaller (at most 1280 px, JPEG) and kept in the draft too; before the form
//   is sent they are put back into the file inputs, so the server receives ordinary uploads
//   (and re-encodes them as every photo is).
// - Without a connection the form is not sent: the person is told it is kept, and it is sent
//   when the signal returns (or on "Send now").
// - The draft is removed only when the server has recorded the patrol: by the record's page.
// Without this script the form works as a plain form.
(function () {
    "use strict";

    var MAX_SIDE = 1280;
    var QUALITY = 0.8;

    function readDraft(key) {
        try {
            return JSON.parse(window.localStorage.getItem(key)) || null;
        } catch (error) {
            return null;
        }
    }

    function writeDraft(key, draft) {
        try {
            window.localStorage.setItem(key, JSON.stringify(draft));
            return true;
        } catch (error) {
            return false; // storage full or refused: the form still works while the page is open
        }
    }

    // The record's page: the patrol is saved, so its draft is no longer needed.
    var saved = document.querySelector("[data-patrol-saved]");
    if (saved) {
        var savedKey = saved.getAttribute("data-patrol-saved");
        var kept = readDraft(savedKey);
        if (kept && kept.id === saved.getAttribute("data-submission-id")) {
            try { window.localStorage.removeItem(savedKey); } catch (error) { /* nothing kept */ }
        }
    }

    var form = document.getElementById("patrol-form");
    if (!form) { return; }

    var key = form.getAttribute("data-patrol-draft");
    var maxPhotos = parseInt(form.getAttribute("data-max-photos"), 10) || 5;
    var status = document.getElementById("patrol-status");
    var retry = document.getElementById("patrol-retry");
    var idField = form.querySelector("input[name=submission_id]");
    var memoryPhotos = {}; // photos the browser could not shrink (kept while the page is open)
    var pending = 0; // photos being made smaller
    var waiting = false; // kept while offline, to be sent when the signal returns
    var sending = false;

    function newId() {
        if (window.crypto && typeof window.crypto.randomUUID === "function") {
            return window.crypto.randomUUID();
        }
        var bytes = new Uint8Array(16);
        if (window.crypto && window.crypto.getRandomValues) {
            window.crypto.getRandomValues(bytes);
        } else {
            for (var i = 0; i < 16; i++) { bytes[i] = Math.floor(Math.random() * 256); }
        }
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
        return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
    }

    function say(name) {
        status.textContent = status.getAttribute("data-" + name) || "";
        status.hidden = false;
        // Beside the button just pressed; a photo's message is not worth leaving the item for.
        if (name.indexOf("photo") !== 0 && status.scrollIntoView) { status.scrollIntoView({ block: "nearest" }); }
    }

    var draft = readDraft(key) || {};
    var restoring = Boolean(draft.id);
    if (!draft.id) {
        // A form the server shows again (with errors) keeps the id it was sent with.
        draft.id = form.hasAttribute("data-patrol-bound") && idField.value ? idField.value : newId();
    }
    draft.fields = draft.fields || {};
    draft.photos = draft.photos || {};
    idField.value = draft.id;

    function fields() {
        return Array.prototype.filter.call(form.elements, function (element) {
            return element.name && element.name !== "csrfmiddlewaretoken" && element.name !== "submission_id"
                && element.type !== "file" && element.type !== "submit" && element.type !== "button";
        });
    }

    function save() {
        var values = {};
        fields().forEach(function (element) {
            if (element.type === "radio") {
                if (element.checked) { values[element.name] = element.value; }
            } else if (element.type === "checkbox") {
                values[element.name] = element.checked;
            } else {
                values[element.name] = element.value;
            }
        });
        draft.fields = values;
        draft.id = idField.value;
        draft.savedAt = new Date().toISOString();
        return writeDraft(key, draft);
    }

    function restore() {
        fields().forEach(function (element) {
            if (!(element.name in draft.fields)) { return; }
            var value = draft.fields[element.name];
            if (element.type === "radio") {
                element.checked = element.value === value;
            } else if (element.type === "checkbox") {
                element.checked = Boolean(value);
            } else {
                element.value = value;
            }
        });
    }

    function fileInput(code) {
        return form.querySelector("input[type=file][data-patrol-photo=\"" + code + "\"]");
    }

    function dataUrlToFile(url, name) {
        var parts = url.split(",");
        var binary = window.atob(parts[1]);
        var bytes = new Uint8Array(binary.length);
        for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
        return new File([bytes], name, { type: "image/jpeg" });
    }

    // The kept photos of an item, put back into its file input (as if chosen just now).
    function syncFiles(code) {
        var input = fileInput(code);
        if (!input || typeof window.DataTransfer !== "function") { return; }
        try {
            var transfer = new DataTransfer();
            (draft.photos[code] || []).forEach(function (url, index) {
                transfer.items.add(dataUrlToFile(url, code + "-" + (index + 1) + ".jpg"));
            });
            (memoryPhotos[code] || []).forEach(function (file) { transfer.items.add(file); });
            input.files = transfer.files;
        } catch (error) {
            // An old browser: the input keeps what was chosen on this page.
        }
    }

    function showThumbs(code) {
        var box = form.querySelector("[data-patrol-thumbs=\"" + code + "\"]");
        if (!box) { return; }
        box.textContent = "";
        (draft.photos[code] || []).forEach(function (url, index) {
            var item = document.createElement("div");
            item.className = "patrol-thumb";
            var image = document.createElement("img");
            image.className = "evidence-thumb";
            image.src = url;
            image.alt = box.getAttribute("data-alt") + " " + (index + 1);
            var remove = document.createElement("button");
            remove.type = "button";
            remove.className = "button button-small button-secondary";
            remove.textContent = box.getAttribute("data-remove");
            remove.setAttribute("aria-label", box.getAttribute("data-remove-label") + " " + (index + 1));
            remove.addEventListener("click", function () {
                draft.photos[code].splice(index, 1);
                save();
                showThumbs(code);
                syncFiles(code);
            });
            item.appendChild(image);
            item.appendChild(remove);
            box.appendChild(item);
        });
    }

    function shrink(file) {
        return new Promise(function (resolve, reject) {
            var url = URL.createObjectURL(file);
            var image = new Image();
            image.onload = function () {
                var scale = Math.min(1, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
                var canvas = document.createElement("canvas");
                canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
                canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
                canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
                URL.revokeObjectURL(url);
                resolve(canvas.toDataURL("image/jpeg", QUALITY));
            };
            image.onerror = function () {
                URL.revokeObjectURL(url);
                reject(new Error("unreadable"));
            };
            image.src = url;
        });
    }

    function photosChosen(input) {
        var code = input.getAttribute("data-patrol-photo");
        var chosen = Array.prototype.slice.call(input.files || []);
        draft.photos[code] = draft.photos[code] || [];
        chosen.forEach(function (file) {
            pending += 1;
            shrink(file).then(function (url) {
                if (draft.photos[code].length < maxPhotos) { draft.photos[code].push(url); }
                if (!save()) {
                    // No room on the phone: keep it while the page is open.
                    draft.photos[code].pop();
                    (memoryPhotos[code] = memoryPhotos[code] || []).push(dataUrlToFile(url, code + ".jpg"));
                    save();
                    say("photo-not-kept");
                }
            }, function () {
                (memoryPhotos[code] = memoryPhotos[code] || []).push(file);
                say("photo-unreadable");
            }).then(function () {
                pending -= 1;
                showThumbs(code);
                syncFiles(code);
            });
        });
    }

    function photosReady() {
        return new Promise(function (resolve) {
            (function check() {
                if (pending === 0) { resolve(); } else { window.setTimeout(check, 100); }
            })();
        });
    }

    // Whether the server can be reached now (a tiny request; a lost signal fails it).
    function reachable() {
        if (navigator.onLine === false) { return Promise.resolve(false); }
        var controller = typeof AbortController === "function" ? new AbortController() : null;
        var timer = controller ? window.setTimeout(function () { controller.abort(); }, 8000) : null;
        return window.fetch("/healthz", { method: "HEAD", cache: "no-store", credentials: "same-origin",
                                         signal: controller ? controller.signal : undefined })
            .then(function () { return true; }, function () { return false; })
            .then(function (result) { if (timer) { window.clearTimeout(timer); } return result; });
    }

    function send() {
        if (sending) { return; }
        save();
        photosReady().then(reachable).then(function (online) {
            if (!online) {
                waiting = true;
                say("kept");
                retry.hidden = false;
                return;
            }
            waiting = false;
            sending = true;
            retry.hidden = true;
            say("sending");
            Object.keys(draft.photos).concat(Object.keys(memoryPhotos)).forEach(syncFiles);
            HTMLFormElement.prototype.submit.call(form);
        });
    }

    // Filled in again from the draft, photos included.
    restore();
    Object.keys(draft.photos).forEach(function (code) {
        showThumbs(code);
        syncFiles(code);
    });
    if (restoring && !form.hasAttribute("data-patrol-bound") && Object.keys(draft.fields).length) {
        document.getElementById("patrol-restored").hidden = false;
    }
    save();

    form.addEventListener("input", save);
    form.addEventListener("change", function (event) {
        if (event.target.type === "file" && event.target.hasAttribute("data-patrol-photo")) {
            photosChosen(event.target);
        } else {
            save();
        }
    });
    form.addEventListener("submit", function (event) {
        event.preventDefault();
        send();
    });
    retry.addEventListener("click", send);
    window.addEventListener("online", function () {
        if (waiting) { send(); }
    });
    // Coming back to the page (the back button) shows the draft as kept, not a stale copy.
    window.addEventListener("pageshow", function (event) {
        if (event.persisted) {
            sending = false;
            draft = readDraft(key) || draft;
            restore();
        }
    });
}());
