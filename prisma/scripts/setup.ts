console.log("[db] setup: schema not written yet");
