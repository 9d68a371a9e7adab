/* SPDX-License-Identifier: MIT */
/* Stop signals (cli.h): SIGINT, SIGTERM and SIGHUP end the program once
 * its temporary files are gone, by the signal that arrived. */
#include "cli.h"

#include <signal.h>

#include "ciscosec/fileio.h"

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void die_by(int signo)
{
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    sigaction(signo, &dfl, NULL);
    raise(signo); /* delivered when the handler that calls this returns */
}

static void on_stop_signal(int signo)
{
    cs_stop_request(signo);
    if (cs_temp_files() == 0)
        die_by(signo);
}

void cli_catch_stop_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        sigaddset(&sa.sa_mask, stop_signals[i]);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) {
        struct sigaction old;
        if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(stop_signals[i], &sa, NULL);
    }
}

void cli_end_by_stop_signal(void)
{
    int signo = cs_stop_requested();
    if (signo != 0)
        die_by(signo);
}
