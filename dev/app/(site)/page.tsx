export default function Home() {
  return (
    <>
      <h1>payload-better-auth demo</h1>
      <p>
        Better Auth signs people in; Payload reads the same session from the shared storage and
        applies its access control. Users are mirrored into Payload as they sign up.
      </p>
      <ul>
        <li>
          <a href="/sign-up">Sign up</a> (the first user becomes the admin), then open{' '}
          <a href="/account">your account</a>.
        </li>
        <li>
          <a href="/posts">Posts</a> are readable only when signed in.
        </li>
        <li>
          Magic links and password resets arrive in the <a href="/mailbox">mailbox</a> (outside
          production, or with DEMO_MAILBOX=1).
        </li>
        <li>
          The <a href="/admin">admin panel</a> signs in through Better Auth.
        </li>
      </ul>
    </>
  )
}
