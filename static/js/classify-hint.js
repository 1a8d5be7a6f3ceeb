// The registration form's live hint: while the owner chooses the kind and types its facts,
// ask /owner/classify/ (our own origin) whether the venue counts as one of the nine small
// places, and say why in the page's aria-live region. The facts a kind does not need are
// hidden. Without this script every fact is shown and the server classifies on saving.
(function () {
    "use strict";
    var form = document.querySelector("form[data-classify-url]");
    var hint = document.getElementById("classify-hint");
    if (!form || !hint || !window.fetch || !window.URLSearchParams) { return; }
    var kind = form.elements.namedItem("kind");
    if (!kind) { return; }
    // Fact names of the classification rules → the form's fields.
    var FACTS = {
        floor_area: "floor_area", floors: "floors", seats: "seats", beds: "beds",
        staff: "staff_count", dorm: "dorm_people", people: "people", subtype: "subtype"
    };
    var url = form.getAttribute("data-classify-url");
    var timer = null;
    var latest = 0;

    function currentRule() {
        var option = kind.options[kind.selectedIndex];
        return option ? option.getAttribute("data-rule") || "" : "";
    }

    function showNeededFacts() {
        var rule = currentRule();
        var wrappers = form.querySelectorAll("[data-rules]");
        for (var i = 0; i < wrappers.length; i++) {
            var rules = wrappers[i].getAttribute("data-rules").split(" ");
            wrappers[i].hidden = Boolean(rule) && rules.indexOf(rule) === -1;
        }
    }

    function isHidden(field) {
        var wrapper = field.closest ? field.closest("[data-rules]") : null;
        return Boolean(wrapper && wrapper.hidden);
    }

    function show(text, reasons) {
        while (hint.firstChild) { hint.removeChild(hint.firstChild); }
        var paragraph = document.createElement("p");
        paragraph.textContent = text;
        hint.appendChild(paragraph);
        if (reasons && reasons.length) {
            var list = document.createElement("ul");
            reasons.forEach(function (reason) {
                var item = document.createElement("li");
                item.textContent = reason;
                list.appendChild(item);
            });
            hint.appendChild(list);
        }
    }

    function ask() {
        if (!kind.value) { return; }
        var params = new URLSearchParams();
        params.set("category", kind.value);
        Object.keys(FACTS).forEach(function (fact) {
            var field = form.elements.namedItem(FACTS[fact]);
            if (field && field.value && field.value.trim() && !isHidden(field)) {
                params.set(fact, field.value.trim());
            }
        });
        var ticket = ++latest;
        window.fetch(url + "?" + params.toString(), {
            credentials: "same-origin", headers: {"Accept": "application/json"}
        }).then(function (response) {
            return response.json();
        }).then(function (data) {
            if (ticket !== latest) { return; }  // a newer answer is on its way
            if (data.error) {
                show(data.error, []);
            } else {
                show(hint.getAttribute(data.qualifies ? "data-yes" : "data-no"), data.reasons);
            }
        }).catch(function () { /* the server checks again on saving */ });
    }

    function later() {
        window.clearTimeout(timer);
        timer = window.setTimeout(ask, 400);
    }

    kind.addEventListener("change", function () { showNeededFacts(); later(); });
    Object.keys(FACTS).forEach(function (fact) {
        var field = form.elements.namedItem(FACTS[fact]);
        if (field) {
            field.addEventListener("input", later);
            field.addEventListener("change", later);
        }
    });
    showNeededFacts();
})();
