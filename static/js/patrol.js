// The patrol form (venues.patrol_views) on a phone with a weak signal. Loaded on every admin
// page (venues.wagtail_hooks.patrol_script).
//
// - The form is kept in this browser while it is filled in, one copy per person and venue
//   (localStorage "patrol-draft:<user pk>:<venue pk>"), and filled in again when the page is
//   opened: after a reload, a lost signal, going back, or signing in again after the session ended.
//   Text is kept 300 ms after typing stops; every save is checked, and when the phone cannot keep
//   the form a warning stays on the page.
// - Photos are made smaller (at most 1280 px, JPEG) and kept as Blobs in IndexedDB (database
//   "patrol-photos", keys "<draft key>|<code>|<random>"); the copy lists their keys. Before the
//   form is sent they are put back into the file inputs, so the server receives the smaller
//   photos as ordinary uploads. Too much to send at once (nginx takes at most 20 MB) is refused
//   here with a message, before sending.
// - The copy carries the submission id made when the form was first opened, so sending it again
//   (twice, or after a sign-in) never records a second patrol: the server shows the record it
//   made. The form page lists the ids of the person's recorded patrols of the venue: a kept copy
//   carrying one of them was sent already (its reply lost) and is removed, so a later visit starts
//   from an empty form with a new id.
// - Copies of other people (a shared phone) are removed when the form is opened, copies older than
//   7 days whenever the script runs, and every copy when the person signs out (after a warning if
//   one holds answers not sent).
// - Without a connection the form is not sent: the person is told it is kept, and it is sent
//   when the signal returns (or on "Send now").
// - The copy is removed when the server has recorded the patrol: by the record's page.
// Without this script the form works as a plain form.
(function () {
    "use strict";

    var PREFIX = "patrol-draft:";
    var KEEP_MS = 7 * 24 * 60 * 60 * 1000;
    var MAX_SIDE = 1280;
    var QUALITY = 0.8;
    var MAX_SEND_BYTES = 18 * 1024 * 1024; // below nginx's client_max_body_size (20 MB), with room for the text
    var SAVE_DELAY = 300;

    // --- Kept copies (localStorage) --------------------------------------------------------

    function storage() {
        try { return window.localStorage; } catch (error) { return null; }
    }

    function readDraft(key) {
        try {
            return JSON.parse(storage().getItem(key)) || null;
        } catch (error) {
            return null;
        }
    }

    function writeDraft(key, draft) {
        try {
            storage().setItem(key, JSON.stringify(draft));
            return true;
        } catch (error) {
            return false; // storage full or refused: the caller warns
        }
    }

    function draftKeys() {
        var store = storage();
        var keys = [];
        if (!store) { return keys; }
        try {
            for (var i = 0; i < store.length; i++) {
                var key = store.key(i);
                if (key && key.indexOf(PREFIX) === 0) { keys.push(key); }
            }
        } catch (error) { /* nothing readable */ }
        return keys;
    }

    function hasAnswers(draft) {
        if (!draft) { return false; }
        var fields = draft.fields || {};
        var typed = Object.keys(fields).some(function (name) {
            var value = fields[name];
            return typeof value === "string" ? value.trim() !== "" : Boolean(value);
        });
        var photos = draft.photos || {};
        return typed || Object.keys(photos).some(function (code) { return (photos[code] || []).length > 0; });
    }

    // --- Kept photos (IndexedDB) -----------------------------------------------------------

    var database = null;

    function openPhotos() {
        if (database) { return database; }
        database = new Promise(function (resolve) {
            if (!window.indexedDB) { resolve(null); return; }
            try {
                var request = window.indexedDB.open("patrol-photos", 1);
                request.onupgradeneeded = function () { request.result.createObjectStore("photos"); };
                request.onsuccess = function () { resolve(request.result); };
                request.onerror = function () { resolve(null); };
                request.onblocked = function () { resolve(null); };
            } catch (error) {
                resolve(null);
            }
        });
        return database;
    }

    // Runs ``work(store)`` in a transaction; resolves with the result of the request it returns
    // (or true), or false when the photos could not be read or written.
    function photoStore(mode, work) {
        return openPhotos().then(function (db) {
            if (!db) { return false; }
            return new Promise(function (resolve) {
                try {
                    var transaction = db.transaction("photos", mode);
                    var request = work(transaction.objectStore("photos"));
                    transaction.oncomplete = function () { resolve(request ? request.result : true); };
                    transaction.onerror = function () { resolve(false); };
                    transaction.onabort = function () { resolve(false); };
                } catch (error) {
                    resolve(false);
                }
            });
        });
    }

    function putPhoto(id, blob) {
        return photoStore("readwrite", function (store) { store.put(blob, id); return null; });
    }

    function getPhoto(id) {
        return photoStore("readonly", function (store) { return store.get(id); });
    }

    function deletePhotos(range) {
        return photoStore("readwrite", function (store) { store.delete(range); return null; });
    }

    function photosOf(key) {
        return window.IDBKeyRange ? window.IDBKeyRange.bound(key + "|", key + "|\uffff") : null;
    }

    function removeDraft(key) {
        try { storage().removeItem(key); } catch (error) { /* nothing kept */ }
        var range = photosOf(key);
        return range ? deletePhotos(range) : Promise.resolve(true);
    }

    // Photos whose copy is gone (sent, expired, removed) are removed too.
    function removeStrayPhotos() {
        var kept = draftKeys();
        return photoStore("readonly", function (store) {
            return store.getAllKeys ? store.getAllKeys() : null;
        }).then(function (ids) {
            if (!Array.isArray(ids)) { return; }
            ids.forEach(function (id) {
                if (kept.indexOf(String(id).split("|")[0]) === -1) { deletePhotos(id); }
            });
        });
    }

    // Copies older than 7 days, of an older form, or (when ``userId`` is known) of another person.
    function tidy(userId) {
        var now = Date.now();
        draftKeys().forEach(function (key) {
            var parts = key.split(":");
            var draft = readDraft(key);
            var when = draft && draft.savedAt ? Date.parse(draft.savedAt) : NaN;
            if (parts.length !== 3 || !draft || !(now - when < KEEP_MS) || (userId && parts[1] !== userId)) {
                removeDraft(key);
            }
        });
    }

    // --- Signing out: every kept copy is removed (after a warning when one was not sent) ----

    var script = document.querySelector("script[data-patrol-script]");
    document.addEventListener("submit", function (event) {
        var target = event.target;
        var action = target && target.getAttribute ? target.getAttribute("action") || "" : "";
        if (!/\/logout\/?(\?|$)/.test(action) || target.hasAttribute("data-patrol-cleared")) { return; }
        var keys = draftKeys();
        if (!keys.length) { return; }
        var warning = script ? script.getAttribute("data-logout-warning") : "";
        if (keys.some(function (key) { return hasAnswers(readDraft(key)); }) && warning && !window.confirm(warning)) {
            event.preventDefault();
            event.stopImmediatePropagation();
            return;
        }
        event.preventDefault();
        target.setAttribute("data-patrol-cleared", "");
        Promise.all(keys.map(removeDraft)).then(function () {
            HTMLFormElement.prototype.submit.call(target);
        }, function () {
            HTMLFormElement.prototype.submit.call(target);
        });
    }, true);

    tidy(null);

    // --- The record's page: the patrol is saved, so its copy is no longer needed --------------

    var saved = document.querySelector("[data-patrol-saved]");
    if (saved) {
        var savedKey = saved.getAttribute("data-patrol-saved");
        var kept = readDraft(savedKey);
        if (kept && kept.id === saved.getAttribute("data-submission-id")) { removeDraft(savedKey); }
    }

    var form = document.getElementById("patrol-form");
    if (!form) {
        removeStrayPhotos();
        return;
    }

    // --- The patrol form ---------------------------------------------------------------------

    var key = form.getAttribute("data-patrol-draft");
    var bound = form.hasAttribute("data-patrol-bound");
    var recorded = (form.getAttribute("data-patrol-recorded") || "").split(/\s+/).filter(Boolean);
    var maxPhotos = parseInt(form.getAttribute("data-max-photos"), 10) || 5;
    var status = document.getElementById("patrol-status");
    var retry = document.getElementById("patrol-retry");
    var submit = document.getElementById("patrol-submit");
    var storageWarning = document.getElementById("patrol-storage");
    var idField = form.querySelector("input[name=submission_id]");
    var blobs = {}; // kept photo id: Blob
    var thumbUrls = [];
    var memoryPhotos = {}; // photos the phone could not keep or shrink (sent while the page is open)
    var pending = 0; // photos being made smaller and kept
    var waiting = false; // kept while offline, to be sent when the signal returns
    var sending = false;
    var timer = null;

    tidy(form.getAttribute("data-patrol-user"));

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

    // The live region stays in the page (empty when there is nothing to say), so that screen
    // readers announce what is put into it.
    function say(name) {
        status.textContent = status.getAttribute("data-" + name) || "";
        // Beside the button just pressed; a photo's message is not worth leaving the item for.
        if (name.indexOf("photo") !== 0 && status.scrollIntoView) { status.scrollIntoView({ block: "nearest" }); }
    }

    function warnStorage() {
        storageWarning.hidden = false;
    }

    var draft = readDraft(key) || {};
    if (!bound && draft.id && recorded.indexOf(draft.id) !== -1) {
        // Sent and recorded already (the reply was lost): not to be filled into a later visit.
        removeDraft(key);
        draft = {};
        document.getElementById("patrol-dropped").hidden = false;
    }
    var restoring = Boolean(draft.id);
    if (bound && idField.value) {
        // A form the server shows again keeps the id it gives (the one sent, or a fresh one).
        draft.id = idField.value;
    } else if (!draft.id) {
        draft.id = newId();
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
        window.clearTimeout(timer);
        timer = null;
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
        var done = writeDraft(key, draft);
        if (!done) { warnStorage(); }
        return done;
    }

    function saveSoon() {
        window.clearTimeout(timer);
        timer = window.setTimeout(save, SAVE_DELAY);
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

    function keptPhotos(code) {
        return (draft.photos[code] || []).filter(function (id) { return blobs[id]; });
    }

    // The kept photos of an item, put back into its file input (as if chosen just now).
    function syncFiles(code) {
        var input = fileInput(code);
        if (!input || typeof window.DataTransfer !== "function") { return; }
        try {
            var transfer = new DataTransfer();
            keptPhotos(code).forEach(function (id, index) {
                transfer.items.add(new File([blobs[id]], code + "-" + (index + 1) + ".jpg", { type: "image/jpeg" }));
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
        keptPhotos(code).forEach(function (id, index) {
            var item = document.createElement("div");
            item.className = "patrol-thumb";
            var image = document.createElement("img");
            image.className = "evidence-thumb";
            var url = URL.createObjectURL(blobs[id]);
            thumbUrls.push(url);
            image.src = url;
            image.alt = box.getAttribute("data-alt") + " " + (index + 1);
            var remove = document.createElement("button");
            remove.type = "button";
            remove.className = "button button-small button-secondary";
            remove.textContent = box.getAttribute("data-remove");
            remove.setAttribute("aria-label", box.getAttribute("data-remove-label") + " " + (index + 1));
            remove.addEventListener("click", function () {
                draft.photos[code] = (draft.photos[code] || []).filter(function (other) { return other !== id; });
                delete blobs[id];
                deletePhotos(id);
                save();
                showThumbs(code);
                syncFiles(code);
            });
            item.appendChild(image);
            item.appendChild(remove);
            box.appendChild(item);
        });
    }

    function showAllPhotos() {
        thumbUrls.forEach(function (url) { URL.revokeObjectURL(url); });
        thumbUrls = [];
        Object.keys(draft.photos).concat(Object.keys(memoryPhotos)).forEach(function (code) {
            showThumbs(code);
            syncFiles(code);
        });
    }

    // The kept photos read back from IndexedDB (those that cannot be read are left out).
    function loadPhotos() {
        var ids = [];
        Object.keys(draft.photos).forEach(function (code) { ids = ids.concat(draft.photos[code] || []); });
        return Promise.all(ids.map(function (id) {
            return getPhoto(id).then(function (blob) { if (blob) { blobs[id] = blob; } });
        })).then(function () {
            Object.keys(draft.photos).forEach(function (code) { draft.photos[code] = keptPhotos(code); });
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
                canvas.toBlob(function (blob) {
                    if (blob) { resolve(blob); } else { reject(new Error("unreadable")); }
                }, "image/jpeg", QUALITY);
            };
            image.onerror = function () {
                URL.revokeObjectURL(url);
                reject(new Error("unreadable"));
            };
            image.src = url;
        });
    }

    function photoCount(code) {
        return keptPhotos(code).length + (memoryPhotos[code] || []).length;
    }

    function photosChosen(input) {
        var code = input.getAttribute("data-patrol-photo");
        var chosen = Array.prototype.slice.call(input.files || []);
        draft.photos[code] = draft.photos[code] || [];
        var room = maxPhotos - photoCount(code) - pending;
        if (chosen.length > room) {
            say("photo-too-many"); // the photos already kept stay
            chosen = chosen.slice(0, Math.max(0, room));
        }
        chosen.forEach(function (file) {
            pending += 1;
            shrink(file).then(function (blob) {
                var id = key + "|" + code + "|" + newId();
                return putPhoto(id, blob).then(function (stored) {
                    if (stored) {
                        blobs[id] = blob;
                        draft.photos[code].push(id);
                        if (save()) { return; }
                    }
                    // No room on the phone: sent with the form while the page is open.
                    draft.photos[code] = draft.photos[code].filter(function (other) { return other !== id; });
                    delete blobs[id];
                    deletePhotos(id);
                    (memoryPhotos[code] = memoryPhotos[code] || []).push(
                        new File([blob], code + ".jpg", { type: "image/jpeg" }));
                    warnStorage();
                    say("photo-not-kept");
                });
            }, function () {
                (memoryPhotos[code] = memoryPhotos[code] || []).push(file);
                say("photo-unreadable");
            }).then(function () {
                pending -= 1;
                showThumbs(code);
                syncFiles(code);
            });
        });
        if (!chosen.length) { syncFiles(code); }
    }

    function photosReady() {
        return new Promise(function (resolve) {
            (function check() {
                if (pending === 0) { resolve(); } else { window.setTimeout(check, 100); }
            })();
        });
    }

    function sendBytes() {
        var total = 0;
        Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
            Array.prototype.forEach.call(input.files || [], function (file) { total += file.size; });
        });
        return total;
    }

    // Whether the server can be reached now (a tiny request; a lost signal fails it).
    function reachable() {
        if (navigator.onLine === false) { return Promise.resolve(false); }
        var controller = typeof AbortController === "function" ? new AbortController() : null;
        var abort = controller ? window.setTimeout(function () { controller.abort(); }, 8000) : null;
        return window.fetch("/healthz", { method: "HEAD", cache: "no-store", credentials: "same-origin",
                                         signal: controller ? controller.signal : undefined })
            .then(function () { return true; }, function () { return false; })
            .then(function (result) { if (abort) { window.clearTimeout(abort); } return result; });
    }

    function setSending(value) {
        sending = value;
        submit.disabled = value;
        retry.disabled = value;
    }

    function send() {
        if (sending) { return; }
        save();
        setSending(true);
        photosReady().then(function () {
            Object.keys(draft.photos).concat(Object.keys(memoryPhotos)).forEach(syncFiles);
            if (sendBytes() > MAX_SEND_BYTES) {
                // nginx would answer with its own error page, and the photos would be lost.
                setSending(false);
                say("too-large");
                status.focus();
                return null;
            }
            return reachable().then(function (online) {
                if (!online) {
                    setSending(false);
                    waiting = true;
                    say("kept");
                    retry.hidden = false;
                    return;
                }
                waiting = false;
                retry.hidden = true;
                say("sending");
                HTMLFormElement.prototype.submit.call(form);
            });
        });
    }

    // Filled in again from the copy, photos included.
    restore();
    var photosLoaded = loadPhotos().then(showAllPhotos);
    if (restoring && !bound && Object.keys(draft.fields).length) {
        document.getElementById("patrol-restored").hidden = false;
    }
    save();
    removeStrayPhotos();

    // After the server showed the form again: to the summary of what needs attention.
    var summary = document.getElementById("patrol-reissued") || document.getElementById("patrol-errors");
    if (summary) { summary.focus(); }

    form.addEventListener("input", function (event) {
        if (event.target.type !== "file") { saveSoon(); }
    });
    form.addEventListener("change", function (event) {
        if (event.target.type === "file" && event.target.hasAttribute("data-patrol-photo")) {
            photosChosen(event.target);
        } else {
            save();
        }
    });
    form.addEventListener("submit", function (event) {
        event.preventDefault();
        photosLoaded.then(send);
    });
    retry.addEventListener("click", function () { photosLoaded.then(send); });
    window.addEventListener("online", function () {
        if (waiting) { send(); }
    });
    window.addEventListener("pagehide", function () {
        if (timer) { save(); }
    });
    // Coming back to the page (the back button) shows the copy as kept, not a stale page: the
    // answers, the id and the photos, with the buttons ready again.
    window.addEventListener("pageshow", function (event) {
        if (event.persisted) {
            setSending(false);
            draft = readDraft(key) || draft;
            draft.fields = draft.fields || {};
            draft.photos = draft.photos || {};
            idField.value = draft.id || idField.value;
            restore();
            photosLoaded = loadPhotos().then(showAllPhotos);
        }
    });
}());
