//! The first asyncio program (`shared/asyncio-examples/hello.py`), on corio:
//! prints "Hello", waits one second without blocking, prints "World!".

use std::time::Duration;

async fn say_hello() {
    println!("Hello");
    corio::time::sleep(Duration::from_secs(1)).await; // a delay that does not block
    println!("World!");
}

async fn main_task() {
    say_hello().await;
}

fn main() {
    corio::run(main_task());
}
