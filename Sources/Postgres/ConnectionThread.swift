#if canImport(Glibc)
import Glibc
#endif

/// The one OS thread a connection's blocking libpq calls run on, which is
/// also a task executor: `PostgresPool.withConnection` runs its body with
/// this executor preferred, so a transaction's statements run back to back on
/// the connection's thread, without a thread switch per statement (a request
/// of 13 statements made 26 switches, a fifth of its CPU in task switches
/// alone). Calls from anywhere else hop here first.
final class ConnectionThread: TaskExecutor, @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    /// Posted only when the thread sleeps on it, so a busy thread is handed a job
    /// without a system call. A semaphore, not a condition variable: glibc takes
    /// the mutex back from a condition wait as contended, so every wake-up cost
    /// one more futex call to unlock it.
    private var wakeUp = sem_t()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var sleeping = false
    private var thread = pthread_t()

    init() {
        pthread_mutex_init(&mutex, nil)
        sem_init(&wakeUp, 0, 0)
        let retained = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(&thread, nil, { argument in
            let owner = Unmanaged<ConnectionThread>.fromOpaque(argument!).takeRetainedValue()
            owner.loop()
            return nil
        }, retained)
        precondition(created == 0, "could not start a database connection thread (\(created))")
        pthread_detach(thread)
    }

    deinit {
        sem_destroy(&wakeUp)
        pthread_mutex_destroy(&mutex)
    }

    var isCurrent: Bool { pthread_equal(pthread_self(), thread) != 0 }

    /// Runs blocking `work` on this thread: at once when already here (inside
    /// `withConnection`), after one hop otherwise.
    func run<T>(_ work: () throws -> T) async throws -> T {
        if isCurrent { return try work() }
        return try await withTaskExecutorPreference(self) { try await self.here(work) }
    }

    /// Nonisolated and async, so calling it moves the task to the preferred executor: this one.
    private func here<T>(_ work: () throws -> T) async throws -> T {
        try work()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        pthread_mutex_lock(&mutex)
        if stopping {
            pthread_mutex_unlock(&mutex)
            // A task still preferring a stopped thread is not stranded: the shared pool runs it.
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
            return
        }
        jobs.append(unowned)
        unlockWakingThread()
    }

    /// The thread ends once its queue is empty; the connection that owned it is gone.
    func stop() {
        pthread_mutex_lock(&mutex)
        stopping = true
        unlockWakingThread()
    }

    /// With the mutex held: lets it go, then wakes the thread if it sleeps.
    private func unlockWakingThread() {
        let wake = sleeping
        sleeping = false
        pthread_mutex_unlock(&mutex)
        if wake { sem_post(&wakeUp) }
    }

    private func loop() {
        var batch: [UnownedJob] = []
        while true {
            pthread_mutex_lock(&mutex)
            if jobs.isEmpty && !stopping {
                sleeping = true
                pthread_mutex_unlock(&mutex)
                // A post made between the unlock and here is kept by the semaphore.
                while sem_wait(&wakeUp) != 0 && errno == EINTR {}
                continue
            }
            if jobs.isEmpty {
                pthread_mutex_unlock(&mutex)
                return
            }
            swap(&batch, &jobs)
            pthread_mutex_unlock(&mutex)
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
