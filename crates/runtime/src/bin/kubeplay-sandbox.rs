//! The sandbox's init as a program of its own, for the runtime crate's tests
//! (the `kubeplay` server binary is its own init: it re-executes itself).

fn main() {
    #[cfg(target_os = "linux")]
    kubeplay_runtime::linux::init::main_if_requested();
    eprintln!("kubeplay-sandbox: started by the sandbox only");
    std::process::exit(2);
}
