// The registration form's grid choice: once a village or community is chosen, offer only
// its grids. Without this script all grids are listed, grouped by village.
(function () {
    "use strict";
    var village = document.getElementById("id_village");
    var grid = document.getElementById("id_grid");
    if (!village || !grid) { return; }
    var blank = grid.querySelector("option[value='']");
    var options = Array.prototype.slice.call(grid.querySelectorAll("option[data-village]"));

    function refill() {
        var chosen = grid.value;
        while (grid.firstChild) { grid.removeChild(grid.firstChild); }
        if (blank) { grid.appendChild(blank); }
        options.forEach(function (option) {
            if (option.getAttribute("data-village") === village.value) { grid.appendChild(option); }
        });
        grid.value = chosen;
        if (grid.value !== chosen) { grid.value = ""; }
    }

    village.addEventListener("change", refill);
    refill();
})();
