// The baseline: a bare module worker that echoes every message.
self.onmessage = (event) => self.postMessage(event.data)
