"""kim-*: 1-D CNN audio super-resolution (Kim, Ryu, Jeong): kim-resnet, kim-drrn, kim-proposed."""
