// The physical limit weft is compared with on Deno: a bare module worker that echoes.
self.onmessage = (event) => self.postMessage(event.data)
