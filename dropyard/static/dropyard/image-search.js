// Search by image: drop a file on the zone (or choose one) and it is checked here (type, size)
// and sent at once; the server checks it again. Without this script the form still works.
(function () {
  const form = document.querySelector('[data-testid="image-search-form"]');
  if (!form) return;
  const zone = form.querySelector("#image-drop");
  const input = form.querySelector("#image-search-input");
  const error = form.querySelector("#image-search-error");
  const maxBytes = Number(form.dataset.maxBytes);
  // The messages come translated from the form's data-msg-* attributes ({name}, {size} filled in).
  const messages = {
    required: form.dataset.msgRequired || "Choose a picture to search by.",
    type: form.dataset.msgType || "“{name}” is not an image: choose a JPEG, PNG, GIF or WebP picture.",
    size: form.dataset.msgSize || "“{name}” is {size} MB: pictures must be at most 5 MB.",
  };
  function say(message, file) {
    return message.replace("{name}", file.name).replace("{size}", (file.size / 1048576).toFixed(1));
  }
  function check(file) {
    if (!file) return messages.required;
    if (!file.type.startsWith("image/")) return say(messages.type, file);
    if (file.size > maxBytes) return say(messages.size, file);
    return "";
  }
  function send() {
    const problem = check(input.files[0]);
    error.textContent = problem;
    input.classList.toggle("is-invalid", Boolean(problem));
    if (!problem) form.requestSubmit();
  }
  form.addEventListener("submit", function (event) {
    const problem = check(input.files[0]);
    if (problem) { event.preventDefault(); event.stopImmediatePropagation(); error.textContent = problem; input.classList.add("is-invalid"); }
  }, true);
  input.addEventListener("change", send);
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("is-dragging"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("is-dragging"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer.files.length) return;
    const files = new DataTransfer();
    files.items.add(event.dataTransfer.files[0]);
    input.files = files.files;
    send();
  });
})();
