import { getViewer } from '../../../lib/viewer.ts'

export default async function PostsPage() {
  const { payload, payloadUser } = await getViewer()
  // Payload's access control decides, with the user Payload itself resolved from the session.
  const posts = await payload
    .find({ collection: 'posts', overrideAccess: false, user: payloadUser, depth: 0 })
    .catch((error: unknown) => {
      // Payload's Forbidden (403). Compared by status: the class may come from another copy of
      // payload in the bundle, where `instanceof` fails.
      if ((error as { status?: number }).status === 403) return null
      throw error
    })
  return (
    <>
      <h1>Posts</h1>
      {posts ? (
        <ul data-testid="posts">
          {posts.docs.map((post) => (
            <li key={post.id}>
              <strong>{post.title}</strong> {post.body}
            </li>
          ))}
        </ul>
      ) : (
        <p data-testid="posts-forbidden">
          Posts are for signed-in readers. <a href="/sign-in">Sign in</a> to read them.
        </p>
      )}
    </>
  )
}
