//! Whether an ARN (which may contain IAM `*`/`?` wildcards) can name a
//! resource of a given ARN format such as
//! `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
//!
//! Both sides are patterns, so the question is whether their languages
//! intersect; this is answered by a search over pairs of positions (a product
//! automaton), which stays small because ARNs are short.

/// A set of characters one position may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Char(char),
    Any,
    /// Anything but `/` and `:`: a variable inside one path segment.
    Segment,
    /// Anything but `:`: a trailing variable that may hold a path.
    Path,
    /// Anything: the trailing name after a `/` of the resource part, such as
    /// an S3 object key, which may hold `/` and `:` alike.
    Tail,
}

impl Class {
    fn admits(self, c: char) -> bool {
        match self {
            Class::Char(x) => x == c,
            Class::Any | Class::Tail => true,
            Class::Segment => c != '/' && c != ':',
            Class::Path => c != ':',
        }
    }

    fn meets(self, other: Class) -> bool {
        match (self, other) {
            (Class::Char(c), o) | (o, Class::Char(c)) => o.admits(c),
            // Any two broad classes share ordinary letters.
            _ => true,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Token {
    One(Class),
    /// Zero or more characters of the class.
    Many(Class),
}

/// How freely a `${Variable}` may span `/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Only a variable that ends the format and follows a `/` in the resource
    /// part spans `/` (`${BucketName}/${ObjectName}`, `role/${RoleNameWithPath}`),
    /// so a bucket name never swallows an object key.
    Strict,
    /// Any variable that ends the format spans `/`; needed for names that
    /// AWS documents without a path but that hold one (`log-group:${LogGroupName}`).
    Loose,
    /// Only the format's literal text must line up: a variable is any text
    /// without `:`, empty included (AWS-owned resources have an empty
    /// account), and the last variable any text at all. What does not fit
    /// this is a different kind of resource, not a detail the catalogue may
    /// have wrong (the linter's reading).
    Shape,
}

fn format_tokens(format: &str, reading: Reading) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(format.len());
    let mut rest = format;
    let mut colons = 0;
    let mut slash_in_resource = false;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${")
            && let Some(end) = after.find('}')
        {
            rest = &after[end + 1..];
            if reading == Reading::Shape {
                tokens.push(Token::Many(if rest.is_empty() { Class::Any } else { Class::Path }));
                continue;
            }
            let class = match (rest.is_empty(), slash_in_resource, reading) {
                (true, true, _) => Class::Tail,
                (true, false, Reading::Loose) => Class::Path,
                _ => Class::Segment,
            };
            tokens.push(Token::One(class));
            tokens.push(Token::Many(class));
            continue;
        }
        rest = &rest[c.len_utf8()..];
        match c {
            '*' => tokens.push(Token::Many(Class::Any)),
            ':' => {
                colons += 1;
                tokens.push(Token::One(Class::Char(c)));
            }
            '/' => {
                slash_in_resource |= colons >= 5;
                tokens.push(Token::One(Class::Char(c)));
            }
            _ => tokens.push(Token::One(Class::Char(c))),
        }
    }
    tokens
}

fn arn_token(c: char) -> Token {
    match c {
        '*' => Token::Many(Class::Any),
        '?' => Token::One(Class::Any),
        c => Token::One(Class::Char(c)),
    }
}

/// Whether some concrete ARN is named both by `arn` (IAM wildcards allowed)
/// and by the ARN `format` of a resource type.
///
/// A search over pairs (position in the format, position in the ARN), one
/// ARN position at a time: memory grows with the format only, time with the
/// product of the two lengths — linear in the ARN, whose length the caller
/// does not control.
pub(crate) fn fits(format: &str, arn: &str, reading: Reading) -> bool {
    !cannot_fit(format, arn) && search(format, arn, reading)
}

/// A quick, certain "no" for the common case, before the search: an ARN
/// without wildcards lines up field by field with a format whose first five
/// fields hold no `*` (a variable there never spans `:`), so a service
/// written out in the format must be the ARN's, and the resource part must
/// start with the format's written-out beginning (`user/`, `key/`).
fn cannot_fit(format: &str, arn: &str) -> bool {
    if arn.contains(['*', '?']) {
        return false;
    }
    let mut f = format.splitn(6, ':');
    let mut a = arn.splitn(6, ':');
    let (Some(f0), Some(f1), Some(f2), Some(f3), Some(f4), Some(f_resource)) =
        (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
    else {
        return false;
    };
    if [f0, f1, f2, f3, f4].iter().any(|field| field.contains('*')) {
        return false;
    }
    let (Some(_), Some(_), Some(a_service), Some(_), Some(_), Some(a_resource)) =
        (a.next(), a.next(), a.next(), a.next(), a.next(), a.next())
    else {
        // Fewer fields than the format: the search says no as well, but
        // let it be the one to say so.
        return false;
    };
    if !f2.contains('$') && f2 != a_service {
        return true;
    }
    let written = &f_resource[..f_resource.find(['$', '*']).unwrap_or(f_resource.len())];
    !a_resource.starts_with(written)
}

fn search(format: &str, arn: &str, reading: Reading) -> bool {
    let a = format_tokens(format, reading);
    let n = a.len();
    let mut here = vec![false; n + 1];
    let mut next = vec![false; n + 1];
    here[0] = true;
    let mut arn_chars = arn.chars().map(arn_token);
    loop {
        let tb = arn_chars.next();
        let mut alive = false;
        // Moves that stay at this ARN position only go to a later format
        // position, so one pass in order reaches them all.
        for i in 0..=n {
            if !here[i] {
                continue;
            }
            alive = true;
            let ta = a.get(i).copied();
            if let Some(Token::Many(_)) = ta {
                here[i + 1] = true;
            }
            if let Some(Token::Many(_)) = tb {
                next[i] = true;
            }
            if let (Some(ta), Some(tb)) = (ta, tb) {
                let (ca, ni) = match ta {
                    Token::One(c) => (c, i + 1),
                    Token::Many(c) => (c, i),
                };
                let (cb, advances) = match tb {
                    Token::One(c) => (c, true),
                    Token::Many(c) => (c, false),
                };
                // Both sides staying put consumes a character without progress;
                // the epsilon moves above already cover what follows.
                if (ni != i || advances) && ca.meets(cb) {
                    if advances {
                        next[ni] = true;
                    } else {
                        here[ni] = true;
                    }
                }
            }
        }
        if tb.is_none() {
            return here[n];
        }
        if !alive {
            return false;
        }
        std::mem::swap(&mut here, &mut next);
        next.fill(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
    const FUNCTION: &str = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
    const ALIAS: &str = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}";
    const LOG_GROUP: &str = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";

    fn strict(format: &str, arn: &str) -> bool {
        fits(format, arn, Reading::Strict)
    }

    #[test]
    fn concrete_s3_arns_tell_buckets_from_objects() {
        assert!(strict(BUCKET, "arn:aws:s3:::photos"));
        assert!(!strict(OBJECT, "arn:aws:s3:::photos"));
        assert!(strict(OBJECT, "arn:aws:s3:::photos/2024/cat.jpg"));
        assert!(!strict(BUCKET, "arn:aws:s3:::photos/cat.jpg"));
        // An object key may hold colons (a Cognito identity id, a session name).
        assert!(strict(OBJECT, "arn:aws:s3:::photos/users/eu-west-1:5d1b/me.jpg"));
        assert!(!strict(BUCKET, "arn:aws:s3:::photos:x"));
        // Variables need at least one character.
        assert!(!strict(OBJECT, "arn:aws:s3:::photos/"));
    }

    #[test]
    fn wildcards_in_the_arn_cover_what_they_could_name() {
        assert!(strict(BUCKET, "arn:aws:s3:::*"));
        assert!(strict(OBJECT, "arn:aws:s3:::*"));
        assert!(strict(OBJECT, "arn:aws:s3:::photos/*"));
        assert!(!strict(BUCKET, "arn:aws:s3:::photos/*"));
        assert!(strict(BUCKET, "arn:aws:s3:::photo?"));
        assert!(strict(OBJECT, "*"));
        assert!(!strict(BUCKET, "arn:aws:ec2:*:*:instance/*"));
    }

    #[test]
    fn colons_separate_lambda_qualifiers() {
        assert!(strict(FUNCTION, "arn:aws:lambda:eu-west-1:123456789012:function:f"));
        assert!(!strict(
            FUNCTION,
            "arn:aws:lambda:eu-west-1:123456789012:function:f:live"
        ));
        assert!(strict(ALIAS, "arn:aws:lambda:eu-west-1:123456789012:function:f:live"));
    }

    #[test]
    fn paths_in_role_names_and_log_groups() {
        assert!(strict(ROLE, "arn:aws:iam::123456789012:role/service-role/deploy"));
        assert!(!strict(LOG_GROUP, "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f"));
        assert!(fits(
            LOG_GROUP,
            "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f",
            Reading::Loose
        ));
    }

    #[test]
    fn literal_star_in_a_format_matches_anything() {
        let format = "arn:${Partition}:dms:${Region}:${Account}:endpoint:*";
        assert!(strict(format, "arn:aws:dms:us-east-1:1:endpoint:ABC"));
        assert!(strict(format, "arn:aws:dms:us-east-1:1:endpoint:"));
        assert!(!strict(format, "arn:aws:dms:us-east-1:1:task:ABC"));
    }

    proptest::proptest! {
        /// The quick "no" is never wrong: whenever it answers, the search
        /// says no too.
        #[test]
        fn the_quick_no_agrees_with_the_search(
            format in r"arn:(\$\{P\}|aws):(s3|iam|\$\{S\}|x\*):(\$\{R\})?:(\$\{A\}|1)?:(user/|key/|\*|a:)?(\$\{N\})?(/\$\{O\})?",
            arn in r"arn:aws:(s3|iam|x):(us)?:(1)?:[a-z/:]{0,8}",
        ) {
            for reading in [Reading::Strict, Reading::Loose, Reading::Shape] {
                if cannot_fit(&format, &arn) {
                    proptest::prop_assert!(!search(&format, &arn, reading), "{} {} {:?}", format, arn, reading);
                }
            }
        }
    }

    #[test]
    fn the_quick_no_answers_for_another_service_or_kind_only() {
        let user = "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}";
        assert!(cannot_fit(user, "arn:aws:iam::111122223333:role/x"));
        assert!(cannot_fit(user, "arn:aws:s3:::user/x"));
        assert!(!cannot_fit(user, "arn:aws:iam::111122223333:user/x"));
        assert!(
            !cannot_fit(user, "arn:aws:iam::111122223333:*"),
            "a wildcard is left to the search"
        );
        assert!(!cannot_fit(BUCKET, "arn:aws:s3:::photos"));
        assert!(cannot_fit(BUCKET, "arn:aws:sqs:us-east-1:1:q"));
    }
}
