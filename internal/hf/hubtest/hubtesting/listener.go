package hubtesting

import (
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"
)

// UnacceptingListener returns the address of a loopback socket whose accept
// queue is full and never served: a connection to it hangs in the TCP
// handshake, an honest connect timeout without any network. Linux only,
// like the rest of the project's fault tests.
func UnacceptingListener(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatalf("listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	for i := 0; ; i++ {
		if i >= 64 {
			t.Fatalf("the accept queue of %s never filled", addr)
		}
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return addr // full: the next handshake hangs
		}
		t.Cleanup(func() { conn.Close() })
	}
}
