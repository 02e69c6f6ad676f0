//! `shared/asyncio-examples/gather.py` on corio: `gather` runs two coroutines concurrently, so the
//! program takes about 1 s in all.

use std::time::Duration;

async fn say_hello() {
    println!("Hello");
    corio::time::sleep(Duration::from_secs(1)).await;
    println!("World");
}

#[corio::main]
async fn main() {
    corio::task::gather([say_hello(), say_hello()]).await;
}
