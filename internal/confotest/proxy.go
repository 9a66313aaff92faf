package confotest

import (
	"bytes"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Proxy forwards TCP connections to a server and can lose the reply to
// one command: the command reaches the server and runs, and the client's
// connection is then closed without the answer, as when the network fails
// at the worst moment.
type Proxy struct {
	Addr   string
	target string
	ln     net.Listener
	// cut holds the command (lower case, as the client sends it) whose
	// reply is lost next; it is cleared when that happens.
	cut atomic.Pointer[string]
	wg  sync.WaitGroup
}

// NewProxy listens on a free loopback port and forwards to target until
// the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: ln.Addr().String(), target: target, ln: ln}
	p.wg.Go(p.serve)
	t.Cleanup(func() {
		ln.Close()
		p.wg.Wait()
	})
	return p
}

// LoseReplyTo makes the proxy drop the reply to the next command named
// cmd ("evalsha") and close that connection.
func (p *Proxy) LoseReplyTo(cmd string) { p.cut.Store(&cmd) }

func (p *Proxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Go(func() { p.forward(client) })
	}
}

func (p *Proxy) forward(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	var lost atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64<<10)
		for {
			n, err := server.Read(buf)
			if n > 0 && !lost.Load() {
				if _, werr := client.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			if cmd := p.cut.Load(); cmd != nil && bytes.Contains(bytes.ToLower(buf[:n]), []byte(*cmd)) && p.cut.CompareAndSwap(cmd, nil) {
				lost.Store(true)
				server.Write(buf[:n])
				// Let the server run it (and answer into the void).
				time.Sleep(200 * time.Millisecond)
				return
			}
			if _, werr := server.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				return
			}
			server.(*net.TCPConn).CloseWrite()
			<-done
			return
		}
	}
}
