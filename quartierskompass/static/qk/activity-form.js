// Activity form: show only the work forms of the chosen SONI fields and add up the shares.
(function () {
  "use strict";
  const form = document.querySelector(".activity-form");
  if (!form) return;
  const boxes = Array.from(form.querySelectorAll('input[name="soni_fields"]'));
  const output = document.getElementById("share-sum");

  function chosen() {
    return boxes.filter((box) => box.checked).map((box) => box.value);
  }

  function update() {
    const fields = chosen();
    form.querySelectorAll(".work-form-group").forEach((group) => {
      const on = fields.includes(group.dataset.field);
      group.hidden = !on;
      if (!on) group.querySelectorAll("input").forEach((input) => { input.checked = false; });
    });
    let sum = 0;
    let given = 0;
    boxes.forEach((box) => {
      const input = form.querySelector('input[name="percent_' + box.value.toLowerCase() + '"]');
      input.disabled = !box.checked;
      if (box.checked && input.value) { sum += Number(input.value); given += 1; }
    });
    if (!output) return;
    if (fields.length === 0) {
      output.textContent = output.dataset.none || "–";
    } else if (given === 0) {
      output.textContent = output.dataset.equal || "";
    } else {
      output.textContent = sum + " %";
      output.classList.toggle("share-sum--wrong", sum !== 100);
    }
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
