// Share your view: camera capture (getUserMedia), drag and drop, and a busy note on submit.
(function () {
  "use strict";
  const form = document.getElementById("share-form");
  if (!form) return;
  const input = document.getElementById("photo");
  const chosen = document.getElementById("chosen");
  const dropzone = document.getElementById("dropzone");
  const camera = document.getElementById("camera");
  const video = document.getElementById("camera-video");
  const startButton = document.getElementById("camera-start");
  let stream = null;

  function useFile(file) {
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    chosen.textContent = "Chosen: " + (file.name || "your photo");
  }

  input.addEventListener("change", function () {
    chosen.textContent = input.files.length ? "Chosen: " + input.files[0].name : "";
  });

  ["dragenter", "dragover"].forEach(function (name) {
    dropzone.addEventListener(name, function (event) { event.preventDefault(); dropzone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    dropzone.addEventListener(name, function () { dropzone.classList.remove("over"); });
  });
  dropzone.addEventListener("drop", function (event) {
    event.preventDefault();
    const files = event.dataTransfer && event.dataTransfer.files;
    if (files && files.length) useFile(files[0]);
  });

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    camera.hidden = true;
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    startButton.hidden = false;
    startButton.addEventListener("click", async function () {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      } catch (err) {
        chosen.textContent = "The camera is not available (" + err.name + "); choose a photo instead.";
        return;
      }
      video.srcObject = stream;
      camera.hidden = false;
      await video.play();
      document.getElementById("camera-shoot").focus();
    });
    document.getElementById("camera-stop").addEventListener("click", stopCamera);
    document.getElementById("camera-shoot").addEventListener("click", function () {
      const canvas = document.createElement("canvas");
      canvas.width = video.videoWidth || 640;
      canvas.height = video.videoHeight || 480;
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        stopCamera();
        if (!blob) return;
        useFile(new File([blob], "camera.jpg", { type: "image/jpeg" }));
        form.requestSubmit();
      }, "image/jpeg", 0.9);
    });
  }

  form.addEventListener("submit", function () {
    document.getElementById("busy").hidden = false;
    document.getElementById("share-submit").disabled = true;
  });
})();
