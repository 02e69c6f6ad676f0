//! `shared/asyncio-examples/create_task.py` on corio: two tasks started with `spawn` run
//! concurrently, so the program takes about 2 s in all, not 3.

use std::time::Duration;

async fn say_after(delay: u64, message: &str) {
    corio::time::sleep(Duration::from_secs(delay)).await;
    println!("{message}");
}

#[corio::main]
async fn main() {
    let task1 = corio::spawn(say_after(1, "Hello"));
    let task2 = corio::spawn(say_after(2, "World"));

    println!("Started tasks");
    task1.await.expect("task1 failed");
    task2.await.expect("task2 failed");
    println!("Finished tasks");
}
