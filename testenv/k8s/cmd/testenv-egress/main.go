// Command testenv-egress keeps the test cluster's kube-apiserver on this machine.
//
// The API server opens connections of its own on behalf of clients: to
// kubelets (logs, exec, port-forward), to pods, services and nodes (the
// .../proxy subresources), to admission webhooks and to aggregated API
// servers. In this cluster pods and Services have made-up IPs (10.x) that
// must never be contacted, so cluster.sh gives the API server an
// EgressSelectorConfiguration that sends all of that "cluster" traffic
// through this HTTP CONNECT proxy on a unix socket. The proxy connects only
// to loopback addresses (127.0.0.0/8, ::1, "localhost") and to the ranges
// given with --allow-cidr (the real node's bridge, which has no uplink), and
// refuses anything else with 403, without any DNS lookup, so a test that asks
// for a kwok pod's proxy gets an error instead of sending packets off the
// machine. Webhooks served by the test itself on 127.0.0.1 still work.
//
// Every decision is logged, so a blocked attempt is easy to find.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

// allowed holds the --allow-cidr ranges besides loopback.
var allowed []*net.IPNet

func main() {
	socket := flag.String("socket", "", "unix socket to listen on")
	flag.Func("allow-cidr", "also allow targets in this range (repeatable)", func(v string) error {
		_, n, err := net.ParseCIDR(v)
		if err == nil {
			allowed = append(allowed, n)
		}
		return err
	})
	flag.Parse()
	if *socket == "" {
		log.Fatal("--socket is required")
	}
	_ = os.Remove(*socket) // a stale socket from a killed run
	ln, err := net.Listen("unix", *socket)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		_ = ln.Close()
	}()
	ranges := []string{"loopback"}
	for _, n := range allowed {
		ranges = append(ranges, n.String())
	}
	log.Printf("egress proxy on %s: %s only", *socket, strings.Join(ranges, ", "))
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				continue
			}
			log.Printf("stopping: %v", err)
			_ = os.Remove(*socket)
			return
		}
		go serve(conn)
	}
}

// permitted reports whether addr ("host:port") names a loopback endpoint or
// one in an --allow-cidr range literally, so no name ever reaches a DNS server.
func permitted(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	for _, n := range allowed {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func serve(client net.Conn) {
	defer client.Close()
	br := bufio.NewReader(client)
	_ = client.SetReadDeadline(time.Now().Add(30 * time.Second))
	req, err := http.ReadRequest(br)
	if err != nil {
		log.Printf("bad request: %v", err)
		return
	}
	_ = client.SetReadDeadline(time.Time{})
	target := req.URL.Host // the CONNECT authority; the Host header is not the target
	if req.Method != http.MethodConnect {
		reply(client, http.StatusMethodNotAllowed, "only CONNECT")
		log.Printf("REFUSED %s %s: not CONNECT", req.Method, target)
		return
	}
	if !permitted(target) {
		reply(client, http.StatusForbidden, "testenv: egress to "+target+" blocked, only loopback and the real node's bridge are allowed")
		log.Printf("BLOCKED CONNECT %s", target)
		return
	}
	dial := target
	if host, port, _ := net.SplitHostPort(target); host == "localhost" {
		dial = net.JoinHostPort("127.0.0.1", port) // no resolver involved
	}
	upstream, err := net.DialTimeout("tcp", dial, 10*time.Second)
	if err != nil {
		reply(client, http.StatusBadGateway, err.Error())
		log.Printf("CONNECT %s failed: %v", target, err)
		return
	}
	defer upstream.Close()
	if _, err := io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	log.Printf("CONNECT %s", target)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, _ = io.Copy(upstream, br) // br may already hold client bytes
		closeWrite(upstream)
	}()
	go func() {
		defer wg.Done()
		_, _ = io.Copy(client, upstream)
		closeWrite(client)
	}()
	wg.Wait()
}

func reply(c net.Conn, code int, msg string) {
	_, _ = fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		code, http.StatusText(code), len(msg), msg)
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}
