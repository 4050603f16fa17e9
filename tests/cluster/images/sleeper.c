/*
 * The only program of the "distroless" test images: a long-running service
 * stand-in that sleeps until it gets SIGTERM or SIGINT, then exits 0.
 * Built with `gcc -static`; the image has no shell and no other binaries.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) {
	(void)sig;
	stop = 1;
}

static void on_child(int sig) {
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0) {
	}
}

int main(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);

	printf("sleeper: running as uid %d, waiting for SIGTERM\n", (int)getuid());
	fflush(stdout);
	while (!stop)
		pause();
	printf("sleeper: got termination signal, exiting\n");
	return 0;
}
