// The physical floor of accepting a WebSocket connection over loopback TCP: the server's CPU for the system
// calls a minimal server cannot avoid (accept4, TCP_NODELAY, epoll registration, read of the upgrade
// request, one write of the 101 response and a welcome frame), and, separately, for closing (read of the
// peer's EOF, close). No HTTP parsing, no SHA-1: what is left is the kernel's share.
//
// Usage: accept_floor [connections] [concurrent]
// Prints one JSON object: {"connections":N,"acceptMicrosPerConnection":A,"closeMicrosPerConnection":C}
// The server is pinned to CPU 0, the clients (a process of their own, as chatctl is) to CPU 1.
#define _GNU_SOURCE
#include "floor_common.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char request[] =
    "GET /ws?name=u-0000001 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
static const char response[] =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
    "\x81\x1f{\"name\":\"u-0000001\",\"type\":\"welcome\"}";

struct shared {
    atomic_int connected;  // the client has its answer on every connection
    atomic_int closeNow;   // the server has measured the accept phase: the client may close
};


/// The clients: `concurrent` handshakes in flight at a time until all `connections` are answered; then, when
/// told, they close every connection.
static void clients(struct shared *shared, struct sockaddr_in address, int connections, int concurrent) {
    pin(1);
    int *fds = calloc(connections, sizeof(int));
    char buffer[512];
    for (int first = 0; first < connections; first += concurrent) {
        int last = first + concurrent < connections ? first + concurrent : connections;
        for (int i = first; i < last; i++) {
            fds[i] = socket(AF_INET, SOCK_STREAM, 0);
            if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&address, sizeof(address))) { perror("connect"); _exit(1); }
            if (write(fds[i], request, sizeof(request) - 1) < 0) { perror("write"); _exit(1); }
        }
        for (int i = first; i < last; i++) {
            size_t got = 0;
            while (got < sizeof(response) - 1) {
                ssize_t n = read(fds[i], buffer, sizeof(buffer));
                if (n <= 0) { perror("read"); _exit(1); }
                got += (size_t)n;
            }
        }
    }
    atomic_store(&shared->connected, 1);
    while (!atomic_load(&shared->closeNow)) usleep(1000);
    for (int i = 0; i < connections; i++) close(fds[i]);
    _exit(0);
}

int main(int argc, char **argv) {
    int connections = argc > 1 ? atoi(argv[1]) : 5000;
    int concurrent = argc > 2 ? atoi(argv[2]) : 100;
    if (connections < 1 || concurrent < 1) { fprintf(stderr, "bad arguments\n"); return 2; }
    struct sockaddr_in address;
    int listener = loopback_listener(SOCK_NONBLOCK, &address);
    if (listener < 0) return 1;
    struct shared *shared = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) { perror("mmap"); return 1; }
    memset(shared, 0, sizeof(*shared));
    pin(0);
    pid_t child = fork();
    if (child < 0) { perror("fork"); return 1; }
    if (child == 0) { close(listener); clients(shared, address, connections, concurrent); }

    // The server: one epoll loop, as an event-loop server has.
    int epoll = epoll_create1(0);
    int one = 1;
    struct epoll_event listen_event = {.events = EPOLLIN, .data.fd = listener};
    epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &listen_event);
    struct epoll_event events[256];
    char buffer[4096];
    int answered = 0, closed = 0;
    double start = process_cpu(), accept_cpu = 0;
    while (closed < connections) {
        if (answered == connections && accept_cpu == 0) {
            while (!atomic_load(&shared->connected)) usleep(100);
            accept_cpu = process_cpu() - start;
            start = process_cpu();
            atomic_store(&shared->closeNow, 1);
        }
        int ready = epoll_wait(epoll, events, 256, 1000);
        for (int i = 0; i < ready; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                int client;
                while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                    struct epoll_event event = {.events = EPOLLIN, .data.fd = client};
                    epoll_ctl(epoll, EPOLL_CTL_ADD, client, &event);
                }
                continue;
            }
            ssize_t n = read(fd, buffer, sizeof(buffer));
            if (n > 0) {
                if (write(fd, response, sizeof(response) - 1) > 0) answered++;
            } else if (n == 0 || errno != EAGAIN) {
                close(fd);
                closed++;
            }
        }
    }
    double close_cpu = process_cpu() - start;
    waitpid(child, NULL, 0);
    printf("{\"connections\":%d,\"acceptMicrosPerConnection\":%.1f,\"closeMicrosPerConnection\":%.1f}\n",
           connections, accept_cpu / connections * 1e6, close_cpu / connections * 1e6);
    return 0;
}
