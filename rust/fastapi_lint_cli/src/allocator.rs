//! The global allocator of both binaries that link this crate, the CLI and the Python
//! extension (each declares it; a library cannot): jemalloc, as in Ruff, and on Windows, where
//! jemalloc does not build, mimalloc, as in Ruff there.

#[cfg(not(windows))]
pub type Allocator = tikv_jemallocator::Jemalloc;
#[cfg(not(windows))]
pub const ALLOCATOR: Allocator = tikv_jemallocator::Jemalloc;

#[cfg(windows)]
pub type Allocator = mimalloc::MiMalloc;
#[cfg(windows)]
pub const ALLOCATOR: Allocator = mimalloc::MiMalloc;

/// Hands the memory freed so far back to the system. The allocator keeps freed pages for later
/// allocations; the index and the relint that follow the lint pass would otherwise add their
/// memory to all of those the lint pass freed (the run's peak).
#[expect(
    unsafe_code,
    reason = "the allocators' own control functions are C functions"
)]
pub(crate) fn release_freed_memory() {
    // jemalloc's `MALLCTL_ARENAS_ALL`: the command applies to every arena.
    #[cfg(not(windows))]
    const ALL_ARENAS_PURGE: &std::ffi::CStr = c"arena.4096.purge";
    // SAFETY: a command without a value: no pointers to read or write. Under another global
    // allocator it purges jemalloc's own empty arenas. A failure only leaves the memory held.
    #[cfg(not(windows))]
    unsafe {
        tikv_jemalloc_sys::mallctl(
            ALL_ARENAS_PURGE.as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        );
    }
    // mimalloc keeps what a thread frees for that thread: every worker collects its own.
    // SAFETY: `mi_collect` has no preconditions.
    #[cfg(windows)]
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
}
