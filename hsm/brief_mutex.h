// A mutex for critical sections of well under a microsecond taken by many threads (the audit
// chain's append): a contended lock() spins briefly before sleeping, since sleeping and being
// woken costs several microseconds and two context switches, much longer than the holder
// needs. glibc's adaptive mutex does exactly that; this only gives it std::mutex's interface.
#pragma once

#include <pthread.h>

#include <system_error>

namespace luna::hsm {

class BriefMutex {
public:
    BriefMutex() {
        pthread_mutexattr_t a;
        pthread_mutexattr_init(&a);
        pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP);
        const int rc = pthread_mutex_init(&m_, &a);
        pthread_mutexattr_destroy(&a);
        if (rc != 0) throw std::system_error(rc, std::generic_category(), "pthread_mutex_init");
    }
    ~BriefMutex() { pthread_mutex_destroy(&m_); }
    BriefMutex(const BriefMutex&) = delete;
    BriefMutex& operator=(const BriefMutex&) = delete;

    void lock() {
        if (const int rc = pthread_mutex_lock(&m_); rc != 0) throw std::system_error(rc, std::generic_category(), "mutex");
    }
    bool try_lock() { return pthread_mutex_trylock(&m_) == 0; }
    void unlock() { pthread_mutex_unlock(&m_); }

private:
    pthread_mutex_t m_;
};

} // namespace luna::hsm
