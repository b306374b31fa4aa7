//! The inactivity-TTL oracle: an authorization idle longer than its
//! account's TTL (`account.setAuthorizationTTL`, the policy's default until
//! then) is terminated by its home DC when the TTL runs out (DESIGN.md
//! §3.2). At the end of the run, every home authorization still alive on a
//! DC whose account serves requests must have been active within its TTL
//! (with a minute's slack for the timer that ends it); one that was not is
//! a **violation**. Judged from the DCs' own records (`date_active`, the
//! account's TTL), read without touching them.

use std::time::Duration;

use sessionlab_proto::id::DcId;
use sessionlab_proto::server::Server;
use sessionlab_proto::time::Instant;

use super::names;

/// Slack after a TTL deadline before an authorization still alive counts.
pub const TTL_SLACK: Duration = Duration::from_secs(60);

/// Seconds in a day.
const DAY_SECONDS: u64 = 86_400;

/// Every authorization alive at `end` although idle beyond its TTL, described.
pub fn outlived_ttl<'a>(servers: impl IntoIterator<Item = (&'a DcId, &'a Server)>, end: Instant) -> Vec<String> {
    let mut found = Vec::new();
    for (dc, server) in servers {
        for account in server.authority().accounts() {
            if !account.state.serves_requests() {
                continue;
            }
            let ttl = Duration::from_secs(u64::from(account.authorization_ttl_days) * DAY_SECONDS);
            for authorization in account.authorizations() {
                let deadline = authorization.date_active.saturating_add(ttl);
                if deadline.saturating_add(TTL_SLACK) < end {
                    let idle_days = end.saturating_duration_since(authorization.date_active).as_secs() / DAY_SECONDS;
                    found.push(format!(
                        "{}: DC {dc} kept authorization {:#018x} of user {} idle for {idle_days} days, past its TTL of {} days",
                        names::TTL,
                        authorization.hash,
                        account.user_id,
                        account.authorization_ttl_days
                    ));
                }
            }
        }
    }
    found
}
